"""The fediverse's test kit: our site at https://rivista.example, a fake network (no test
ever touches a real one) and a remote Mastodon-like server whose actor signs what it posts."""

import base64
import json
from dataclasses import dataclass, field

import pytest

from fediverse import fetcher, keys, signatures

SITE = "https://rivista.example"
REMOTE = "https://social.example"
REMOTE_IP = "203.0.113.10"  # TEST-NET-3 is not global: the fake resolver answers a public one
PUBLIC_IP = "93.184.215.14"

_KEYS = {}


def remote_key(name: str = "alice") -> tuple[str, str]:
    """A (private, public) pair made once per test session and name (1024 bits: quick)."""
    if name not in _KEYS:
        _KEYS[name] = keys.generate_key_pair(1024)
    return _KEYS[name]


@pytest.fixture(autouse=True)
def _fediverse_settings(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "rivista.example", "testserver"]
    settings.FEDIVERSE_KEY_BITS = 1024


@dataclass
class FakeNetwork:
    """Answers by address; records every request; resolves names as told (public by default)."""

    routes: dict = field(default_factory=dict)
    addresses: dict = field(default_factory=dict)
    sent: list = field(default_factory=list)

    def resolve(self, host, port):
        return self.addresses.get(host, [PUBLIC_IP])

    def send(self, method, url, *, ip, headers, body):
        self.sent.append({"method": method, "url": url, "ip": ip, "headers": headers, "body": body})
        answer = self.routes.get(url)
        if answer is None:
            return fetcher.Response(status=404)
        if callable(answer):
            return answer(method, url, headers, body)
        if isinstance(answer, fetcher.Response):
            return answer
        return fetcher.Response(
            status=200,
            headers={"content-type": "application/activity+json"},
            body=json.dumps(answer).encode(),
        )

    def posts_to(self, url):
        return [
            request
            for request in self.sent
            if request["method"] == "POST" and request["url"] == url
        ]


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(fetcher, "resolve", fake.resolve)
    monkeypatch.setattr(fetcher, "transport", fake)
    return fake


def mastodon_actor(username: str = "alice", *, host: str = REMOTE, key: str | None = None):
    """An actor document shaped as Mastodon serves it (docs.joinmastodon.org/spec/activitypub)."""
    uri = f"{host}/users/{username}"
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
        ],
        "id": uri,
        "type": "Person",
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "preferredUsername": username,
        "name": username.title() + " Rossi",
        "summary": "<p>Lettrice.</p>",
        "url": f"{host}/@{username}",
        "manuallyApprovesFollowers": False,
        "publicKey": {
            "id": f"{uri}#main-key",
            "owner": uri,
            "publicKeyPem": key or remote_key(username)[1],
        },
        "endpoints": {"sharedInbox": f"{host}/inbox"},
    }


def publish_remote_actor(network, username: str = "alice", *, host: str = REMOTE, key=None):
    document = mastodon_actor(username, host=host, key=key)
    network.routes[document["id"]] = document
    for inbox in (document["inbox"], document["endpoints"]["sharedInbox"]):
        network.routes.setdefault(inbox, fetcher.Response(status=202))
    return document


def signed_headers(
    path: str,
    body: bytes,
    *,
    username: str = "alice",
    host: str = REMOTE,
    private_pem: str | None = None,
    date: str | None = None,
    digest: str | None = None,
    covered=("(request-target)", "host", "date", "digest"),
) -> dict:
    """The headers Mastodon sends with a POST to our inbox, signed with the actor's test key."""
    key_id = f"{host}/users/{username}#main-key"
    values = {
        "host": "rivista.example",
        "date": date or signatures.http_date(),
        "digest": digest or signatures.digest_of(body),
    }
    text = signatures.signing_string(tuple(covered), method="post", path=path, values=values)
    signature = base64.b64encode(keys.sign(private_pem or remote_key(username)[0], text.encode()))
    header = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(covered)}",'
        f'signature="{signature.decode()}"'
    )
    return {
        "HTTP_HOST": "rivista.example",
        "HTTP_DATE": values["date"],
        "HTTP_DIGEST": values["digest"],
        "HTTP_SIGNATURE": header,
    }


def post_activity(client, path: str, activity: dict, **options):
    body = json.dumps(activity).encode()
    headers = signed_headers(path, body, **options)
    return client.generic(
        "POST", path, body, content_type="application/activity+json", secure=True, **headers
    )


def follow_activity(target: str, *, username: str = "alice", host: str = REMOTE, n: int = 1):
    uri = f"{host}/users/{username}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{host}/{n}-follow",
        "type": "Follow",
        "actor": uri,
        "object": target,
    }


@pytest.fixture
def server_client():
    """A client as a real server meets one: CSRF checked (the test client skips it by default),
    a CSRF cookie (a server that once fetched a page of ours keeps it), a 500 answered as a
    response rather than raised. The inbox must take signed activities from it all the same."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import CSRF_SECRET

    remote = Client(enforce_csrf_checks=True, raise_request_exception=False)
    remote.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return remote


@pytest.fixture
def post(server_client, django_capture_on_commit_callbacks):
    """Post a signed activity as a remote server does, and run what the request queued after
    commit (the inbox's task, the deliveries it queues) as a worker would."""

    def _post(path, activity, *, via=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return post_activity(via or server_client, path, activity, **options)

    return _post
