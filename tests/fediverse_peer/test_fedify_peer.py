"""Federation with an implementation that is not ours (issue 27, item 5): a Fedify server.

Fedify is the ActivityPub framework Ghost's social web is built on. peer.mjs (in this folder)
runs it as a small server with one account; it is installed from the npm registry at the
version package-lock.json pins, by `make fediverse-peer` (CI runs it; without node or the
package the test skips, except in CI where it fails).

Both sides run for real on this machine over HTTPS: our site in a live server thread
(https://127.0.0.1:<port>), the peer in a node process (https://localhost:<port>), each with a
certificate from an authority made for the test. Our worker (`manage.py worker`, in batch mode)
does what it does in production: fetches the peer's key, accepts the follow, delivers the
article, takes the reply. The only waiver is FEDIVERSE_TRUSTED_TEST_ORIGINS, naming the peer's
exact origin, since our fetcher otherwise refuses addresses that are not public.
"""

import http.client
import json
import os
import queue
import shutil
import ssl
import subprocess
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.utils import timezone

from blog import services as blog_services
from blog.models import Article
from comments.desk_queue import first_pending, queue_url
from comments.models import Comment
from fediverse import keys, signatures
from fediverse.models import Delivery, Follower, InboxItem, RemoteActor
from tests.conftest import run_worker
from tests.factories import make_article, make_author, make_tag, make_user

from .tls import TLSFiles, make_tls_files

HERE = Path(__file__).resolve().parent
PEER_SCRIPT = HERE / "peer.mjs"
FEDIFY = HERE / "node_modules" / "@fedify" / "fedify" / "package.json"

# One pytest-xdist worker runs this module: a node process and a live server, once at a time.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fediverse-peer")]


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {reason}")
    pytest.skip(f"{reason} is not installed")


@pytest.fixture
def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        _missing("node (20 or later)")
    version = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 20:
        _missing(f"node 20 or later (Fedify 1.5 needs it; this is {version})")
    if not FEDIFY.is_file():
        _missing(f"Fedify at {FEDIFY.parent}: run `make fediverse-peer`")
    return executable


@pytest.fixture
def tls(node, tmp_path) -> TLSFiles:
    """The test's certificates (asked for first: without node the test skips at once)."""
    return make_tls_files(tmp_path)


# Our site over HTTPS: Django's live server thread, its socket wrapped in TLS.


class _HTTPSRequestHandler(QuietWSGIRequestHandler):
    def get_environ(self):
        environ = super().get_environ()
        environ["HTTPS"] = "on"  # wsgi.url_scheme https: the request is secure
        return environ


class _HTTPSLiveServerThread(LiveServerThread):
    def __init__(self, *args, tls: TLSFiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls_context.load_cert_chain(tls.cert, tls.key)

    def _create_server(self, connections_override=None):
        server = self.server_class(
            (self.host, self.port), _HTTPSRequestHandler, allow_reuse_address=False,
            connections_override=connections_override,
        )  # fmt: skip
        # The handshake happens in each request's thread, not in the one that accepts.
        server.socket = self.tls_context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        return server


@pytest.fixture
def our_site(tls, transactional_db, settings):
    """Our site at https://127.0.0.1:<port>/, SITE_URL set to it."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    thread = _HTTPSLiveServerThread("127.0.0.1", StaticFilesHandler, tls=tls)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    settings.SITE_URL = f"https://127.0.0.1:{thread.port}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    yield settings.SITE_URL
    thread.terminate()


# The peer: node running peer.mjs, driven over its stdin and stdout.


class Peer:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.origin = self._next(timeout=60)["ready"]["origin"]

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, *, timeout: float) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            pytest.fail(f"the Fedify peer did not answer; its log:\n{self.stderr()}")
        return json.loads(line)

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def call(self, command: str, **arguments):
        self.process.stdin.write(json.dumps({"command": command, **arguments}) + "\n")
        self.process.stdin.flush()
        answer = self._next(timeout=60)
        if not answer["ok"]:
            pytest.fail(f"the Fedify peer failed to {command}: {answer['error']}\n{self.stderr()}")
        return answer["result"]

    def received(self, kind: str) -> list[dict]:
        return [activity for activity in self.call("received") if activity["type"] == kind]


@pytest.fixture
def fedify_peer(node, tls, tmp_path, settings, monkeypatch):
    """The Fedify server, trusted by our fetcher (its exact origin only) and trusting the test's
    certificate authority, as our fetcher does for this test (SSL_CERT_FILE)."""
    log = tmp_path / "peer.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [node, str(PEER_SCRIPT)],
            cwd=HERE,
            env={
                "PATH": os.environ.get("PATH", ""),
                "HOME": str(tmp_path),
                "NODE_EXTRA_CA_CERTS": str(tls.ca),
                "PEER_CERT": str(tls.cert),
                "PEER_KEY": str(tls.key),
                "PEER_HOST": "localhost",
                **({"PEER_DEBUG": "1"} if os.environ.get("PEER_DEBUG") else {}),
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        peer = Peer(process, log)
        settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [peer.origin]
        monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))
        yield peer
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _post_to(url: str, body: bytes, headers: dict, tls: TLSFiles) -> int:
    """POST straight to the peer (not through our fetcher), for what our code would never send."""
    parts = urlsplit(url)
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port, timeout=30, context=ssl.create_default_context(cafile=tls.ca)
    )
    try:
        connection.request("POST", parts.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_fedify_server_follows_the_magazine_gets_an_article_and_its_reply_is_held(
    our_site, fedify_peer, database_tasks, tls, client
):
    peer = fedify_peer
    host = urlsplit(our_site).netloc
    magazine = f"{our_site}/fediverse/magazine/"

    # 1. Fedify finds the magazine by its handle: WebFinger, then the actor document.
    found = peer.call("lookup", handle=f"@redazione@{host}")

    assert found["webfinger"]["subject"] == f"acct:redazione@{host}"
    assert found["id"] == magazine
    assert found["type"] == "Organization"
    assert found["preferredUsername"] == "redazione"
    assert found["inbox"] == f"{magazine}inbox/"
    assert found["sharedInbox"] == f"{our_site}/fediverse/inbox/"
    assert found["outbox"] == f"{magazine}outbox/"
    assert found["followers"] == f"{magazine}followers/"
    assert found["publicKey"] == f"{magazine}#main-key"
    # Our NodeInfo passes Fedify's strict reading.
    info = peer.call("nodeinfo", origin=our_site)
    assert (info["software"], info["protocols"]) == ("rivista", ["activitypub"])

    # 2. It follows, signed; our inbox keeps the Follow and the worker accepts it.
    follow = peer.call("follow")

    received = InboxItem.objects.get()
    assert received.status == InboxItem.Status.RECEIVED  # the request fetched nothing
    assert received.domain == "localhost"

    run_worker()

    received.refresh_from_db()
    assert (received.status, received.outcome) == (InboxItem.Status.DONE, "followed")
    follower = Follower.objects.select_related("remote", "actor").get()
    assert follower.remote.uri == follow["actor"]
    assert follower.follow_id == follow["id"]
    assert follower.remote.name == "Lettrice Fedify"
    assert follower.remote.shared_inbox == f"{peer.origin}/inbox"
    [accept] = peer.received("Accept")  # verified by Fedify against our actor's key
    assert accept["actor"] == magazine
    assert accept["object"] == follow["id"]
    assert accept["objectType"] == "Follow"
    assert Delivery.objects.get().status == Delivery.Status.SENT

    # 3. We publish an article: the worker delivers Create(Article) to the peer's shared inbox.
    tag = make_tag(name="Ambiente", slug="ambiente")
    article = make_article(
        status=Article.Status.DRAFT,
        publish_at=timezone.now() - timedelta(minutes=5),
        title="Il fiume torna pulito",
        lead="<p>Dieci anni di lavori.</p>",
        body="<p>Il fiume è tornato pulito.</p>",
        author=make_author(display_name="Carla Cronista"),
        tags=[tag],
    )
    blog_services.article_publish(article=article, user=make_user(is_superuser=True))
    assert not peer.received("Create")  # queued, not sent in the editor's request

    run_worker()

    [create] = peer.received("Create")
    article_id = f"{our_site}/fediverse/articles/{article.pk}/"
    assert create["actor"] == magazine
    assert create["recipient"] is None  # its shared inbox, one per server
    assert create["objectType"] == "Article"
    assert create["objectId"] == article_id
    assert create["name"] == "Il fiume torna pulito"
    assert create["summary"] == "Dieci anni di lavori."
    assert create["content"] == "<p>Il fiume è tornato pulito.</p>"
    assert create["url"] == our_site + article.get_absolute_url()
    assert create["attributedTo"] == magazine
    assert create["tags"] == ["#ambiente"]
    # Fedify reads the article by its id, and in the magazine's outbox.
    fetched = peer.call("object", id=article_id)
    assert (fetched["type"], fetched["id"]) == ("Article", article_id)
    assert (fetched["name"], fetched["attributedTo"]) == ("Il fiume torna pulito", magazine)
    outbox = peer.call("outbox")
    assert outbox["totalItems"] == 1
    assert outbox["objects"] == [{"type": "Create", "object": article_id}]
    delivered = Delivery.objects.filter(activity_id__startswith=article_id).get()
    assert (delivered.inbox, delivered.status) == (f"{peer.origin}/inbox", Delivery.Status.SENT)

    # Fedify checked our signature: the same activity signed by another key with our key's id
    # is refused, and never reaches its listeners.
    body = json.dumps(delivered.payload).encode()
    forged = signatures.sign_headers(
        method="POST",
        url=f"{peer.origin}/inbox",
        key_id=f"{magazine}#main-key",
        private_pem=keys.generate_key_pair(2048)[0],
        body=body,
    )
    forged["Content-Type"] = "application/activity+json"
    assert _post_to(f"{peer.origin}/inbox", body, forged, tls) == 401
    assert len(peer.received("Create")) == 1

    # 4. The peer replies to the article; the reply waits in our moderators' queue.
    reply = peer.call(
        "reply", inReplyTo=create["objectId"], content="<p>Bella notizia,<br>grazie!</p>"
    )

    run_worker()

    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert comment.body == "Bella notizia,\ngrazie!"
    assert comment.author_name == "Lettrice Fedify"
    assert comment.author_email == ""
    assert comment.parent_id is None
    assert comment.fediverse_note.uri == reply["id"]
    assert comment.fediverse_note.remote == RemoteActor.objects.get(uri=follow["actor"])
    assert first_pending() == comment.pk
    client.force_login(make_user(is_superuser=True))
    desk = client.get(queue_url())
    assert desk.status_code == 200
    assert "Bella notizia," in desk.text
    assert "Lettrice Fedify" in desk.text
    assert "inbox error" not in peer.stderr()  # peer.mjs's listeners never failed


def test_fedify_edits_and_deletes_its_reply_and_unfollows(our_site, fedify_peer, database_tasks):
    peer = fedify_peer
    peer.call("lookup", handle=f"@redazione@{urlsplit(our_site).netloc}")
    peer.call("follow")
    article = make_article(title="Orari della biblioteca")
    reply = peer.call(
        "reply",
        inReplyTo=f"{our_site}/fediverse/articles/{article.pk}/",
        content="<p>Aperta la domenica?</p>",
    )
    run_worker()
    comment = Comment.objects.get(article=article)
    assert Follower.objects.count() == 1

    # Fedify's Update carries the whole note: the comment is edited, its history kept.
    peer.call("edit", id=reply["id"], content="<p>Aperta anche la domenica?</p>")
    run_worker()

    comment.refresh_from_db()
    assert comment.body == "Aperta anche la domenica?"
    assert comment.status == Comment.Status.PENDING
    assert list(comment.revisions.values_list("body", flat=True)) == ["Aperta la domenica?"]

    # Its Delete names the note by a Tombstone: the comment goes.
    peer.call("remove", id=reply["id"])
    run_worker()

    assert not Comment.objects.filter(pk=comment.pk).exists()

    # Its Undo carries the Follow: the follow goes, and the next article is not sent there.
    peer.call("unfollow")
    run_worker()

    assert not Follower.objects.exists()
    assert [item.outcome for item in InboxItem.objects.order_by("pk")] == [
        "followed",
        f"comment {comment.pk} {Comment.Status.PENDING}",
        f"comment {comment.pk} edited",
        f"comment {comment.pk} deleted",
        "unfollowed",
    ]
