"""The inbox: only what a known key signed is acted on; Follow and Undo; blocks; limits."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fediverse import actors, keys, message_signatures, services, signatures
from fediverse.models import Delivery, Follower, InboxItem, RemoteActor
from tests.factories import make_article, make_author

from .conftest import (
    REMOTE,
    SITE,
    follow_activity,
    publish_remote_actor,
    remote_key,
    signed_headers,
)

pytestmark = pytest.mark.django_db

MAGAZINE = f"{SITE}/fediverse/magazine/"
INBOX = "/fediverse/magazine/inbox/"


def test_a_signed_follow_is_kept_and_answered_with_a_signed_accept(server_client, network, post):
    alice = publish_remote_actor(network)

    response = post(INBOX, follow_activity(MAGAZINE), via=server_client)

    assert response.status_code == 202
    follower = Follower.objects.get()
    assert follower.remote.uri == alice["id"]
    assert follower.remote.name == "Alice Rossi"
    assert follower.actor == actors.magazine_actor()
    [accept_post] = network.posts_to(alice["inbox"])
    accept = json.loads(accept_post["body"])
    assert accept["type"] == "Accept"
    assert accept["actor"] == MAGAZINE
    assert accept["object"]["id"] == f"{REMOTE}/1-follow"
    _assert_signed_by_magazine(accept_post)
    assert Delivery.objects.get().status == Delivery.Status.SENT


def _assert_signed_by_magazine(request):
    """Signed as RFC 9421 asks (a server whose scheme we do not know is asked that way first)."""
    headers = request["headers"]
    parsed = message_signatures.parse(headers["Signature-Input"], headers["Signature"])
    assert parsed.key_id == MAGAZINE + "#main-key"
    message_signatures.check_covers_post(parsed)
    message_signatures.check_content_digest(headers["Content-Digest"], request["body"])
    base = message_signatures.signature_base(
        message_signatures.Message.from_url("POST", request["url"], headers), parsed
    )
    assert keys.verify(actors.magazine_actor().public_key_pem, parsed.signature, base.encode())


def test_the_shared_inbox_takes_a_follow_of_an_author(network, post):
    author = make_author(slug="anna")
    make_article(author=author)
    publish_remote_actor(network)

    response = post("/fediverse/inbox/", follow_activity(f"{SITE}/fediverse/authors/{author.pk}/"))

    assert response.status_code == 202
    assert Follower.objects.get().actor.author == author


def test_undo_follow_removes_the_follower(client, network, post):
    publish_remote_actor(network)
    follow = follow_activity(MAGAZINE)
    post(INBOX, follow)
    undo = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{REMOTE}/users/alice#follows/1/undo",
        "type": "Undo",
        "actor": f"{REMOTE}/users/alice",
        "object": follow,
    }

    response = post(INBOX, undo)

    assert response.status_code == 202
    assert not Follower.objects.exists()


def test_the_key_is_fetched_once_and_kept(client, network, post):
    publish_remote_actor(network)

    post(INBOX, follow_activity(MAGAZINE, n=1))
    post(INBOX, follow_activity(MAGAZINE, n=2))

    fetches = [r for r in network.sent if r["method"] == "GET"]
    assert len(fetches) == 1
    assert fetches[0]["url"] == f"{REMOTE}/users/alice"
    assert "Signature" in fetches[0]["headers"]  # servers in secure mode want signed fetches


def test_a_rotated_key_is_fetched_again_once(client, network, post):
    publish_remote_actor(network, key=remote_key("old")[1])
    post(INBOX, follow_activity(MAGAZINE, n=1), private_pem=remote_key("old")[0])
    publish_remote_actor(network)  # alice now publishes her new key

    response = post(INBOX, follow_activity(MAGAZINE, n=2))

    assert response.status_code == 202
    assert InboxItem.objects.filter(status=InboxItem.Status.DONE).count() == 2
    assert RemoteActor.objects.get().public_key_pem == remote_key("alice")[1].strip()


def test_a_bad_signature_is_refused_after_one_refetch(client, network, post):
    publish_remote_actor(network)

    post(INBOX, follow_activity(MAGAZINE), private_pem=remote_key("mallory")[0])

    item = InboxItem.objects.get()
    assert item.status == InboxItem.Status.REFUSED
    assert item.outcome == "bad signature"
    assert not Follower.objects.exists()
    assert not network.posts_to(f"{REMOTE}/users/alice/inbox")


def test_a_body_changed_after_signing_is_refused(server_client, network):
    publish_remote_actor(network)
    signed = json.dumps(follow_activity(MAGAZINE)).encode()
    headers = signed_headers(INBOX, signed)
    tampered = json.dumps(follow_activity(f"{SITE}/fediverse/authors/1/")).encode()

    response = server_client.generic(
        "POST", INBOX, tampered, content_type="application/activity+json", secure=True, **headers
    )

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def test_a_signature_by_someone_else_than_the_actor_is_refused(client, network, post):
    publish_remote_actor(network, "mallory")
    follow = follow_activity(MAGAZINE)  # says alice follows

    post(INBOX, follow, username="mallory")

    assert InboxItem.objects.get().outcome == "the signer is not the activity's actor"
    assert not Follower.objects.exists()


@pytest.mark.parametrize(
    "options",
    [
        {"date": signatures.http_date(timezone.now() - timedelta(hours=1))},
        {"date": signatures.http_date(timezone.now() + timedelta(hours=1))},
        {"date": "not a date"},
        {"covered": ("(request-target)", "host", "date")},  # the digest left unsigned
        {"digest": "SHA-256=" + base64.b64encode(b"x" * 32).decode()},
    ],
    ids=["old", "future", "unreadable", "digest-not-covered", "wrong-digest"],
)
def test_date_and_digest_are_checked_before_anything_is_kept(client, network, options, post):
    publish_remote_actor(network)

    response = post(INBOX, follow_activity(MAGAZINE), **options)

    assert response.status_code == 401
    assert not InboxItem.objects.exists()
    assert not network.sent  # nothing fetched for a request refused on its face


def test_an_unsigned_activity_is_refused(server_client, network, post):
    response = server_client.post(
        INBOX, follow_activity(MAGAZINE), content_type="application/activity+json", secure=True
    )

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def test_an_activity_over_the_size_limit_is_refused(client, network, settings, post):
    settings.FEDIVERSE_MAX_ACTIVITY_BYTES = 1000
    activity = follow_activity(MAGAZINE) | {"padding": "x" * 2000}

    response = post(INBOX, activity)

    assert response.status_code == 413
    assert not InboxItem.objects.exists()


def test_each_server_is_rate_limited(client, network, settings, post):
    settings.FEDIVERSE_INBOX_RATE_LIMIT = 2
    publish_remote_actor(network)
    publish_remote_actor(network, "bob", host="https://other.example")

    answers = [post(INBOX, follow_activity(MAGAZINE, n=n)).status_code for n in range(3)]
    other = post(
        INBOX,
        follow_activity(MAGAZINE, username="bob", host="https://other.example"),
        username="bob",
        host="https://other.example",
    )

    assert answers == [202, 202, 429]
    assert other.status_code == 202


def test_a_blocked_server_is_dropped_without_being_told(client, network, post):
    services.domain_block(domain="social.example")
    publish_remote_actor(network)

    response = post(INBOX, follow_activity(MAGAZINE))

    assert response.status_code == 202
    assert not InboxItem.objects.exists()
    assert not network.sent


def test_blocking_a_server_removes_its_follows(client, network, post):
    publish_remote_actor(network)
    post(INBOX, follow_activity(MAGAZINE))

    services.domain_block(domain="Social.Example")

    assert not Follower.objects.exists()


def test_a_blocked_actor_is_refused_and_loses_its_follows(client, network, post):
    publish_remote_actor(network)
    post(INBOX, follow_activity(MAGAZINE, n=1))
    services.remote_actor_block(remote=RemoteActor.objects.get())

    post(INBOX, follow_activity(MAGAZINE, n=2))

    assert not Follower.objects.exists()
    assert InboxItem.objects.order_by("pk").last().outcome == "blocked"


def test_a_switched_off_actor_cannot_be_followed(client, network, post):
    publish_remote_actor(network)
    services.local_actor_set_enabled(actor=actors.magazine_actor(), enabled=False)

    at_its_inbox = post(INBOX, follow_activity(MAGAZINE, n=1))
    at_the_shared = post("/fediverse/inbox/", follow_activity(MAGAZINE, n=2))

    assert at_its_inbox.status_code == 410
    assert at_the_shared.status_code == 202
    assert not Follower.objects.exists()


def test_a_key_on_a_private_address_is_never_fetched(client, network, post):
    network.addresses["social.example"] = ["10.0.0.5"]

    post(INBOX, follow_activity(MAGAZINE))

    assert not network.sent
    assert InboxItem.objects.get().outcome.startswith("key not fetched")


def test_a_get_on_the_inbox_is_not_allowed(client):
    assert client.get(INBOX, secure=True).status_code == 405


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe not utf-8", b"[1, 2]", b"not json", b"[" * 100_000, b'{"no": "type"}'],
    ids=["latin", "array", "text", "deep", "no-type"],
)
def test_a_signed_body_that_is_not_an_activity_is_a_400_never_a_500(server_client, network, body):
    headers = signed_headers(INBOX, body)

    response = server_client.generic(
        "POST", INBOX, body, content_type="application/activity+json", secure=True, **headers
    )

    assert response.status_code == 400
    assert not InboxItem.objects.exists()


def test_an_activity_no_handler_foresaw_is_recorded_not_raised(network, post, monkeypatch):
    from fediverse import activities

    def broken(remote, activity):
        raise KeyError("surprise")

    monkeypatch.setitem(activities.HANDLERS, "Follow", broken)
    publish_remote_actor(network)

    response = post(INBOX, follow_activity(MAGAZINE))

    assert response.status_code == 202
    item = InboxItem.objects.get()
    assert item.status == InboxItem.Status.REFUSED
    assert item.outcome == "refused: error KeyError"


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "Follow", "actor": f"{REMOTE}/users/alice", "object": [MAGAZINE]},
        {"type": "Create", "actor": f"{REMOTE}/users/alice", "object": {"type": "Note"}},
        {"type": "Undo", "actor": f"{REMOTE}/users/alice", "object": 7},
        {"type": "Like", "actor": f"{REMOTE}/users/alice", "object": None},
        {"type": "Delete", "actor": f"{REMOTE}/users/alice", "object": {"id": ["x"]}},
    ],
    ids=["follow-list", "note-without-id", "undo-number", "like-none", "delete-list"],
)
def test_odd_shapes_are_ignored_quietly(network, post, activity):
    publish_remote_actor(network)

    post(INBOX, activity)

    item = InboxItem.objects.get()
    assert "error" not in item.outcome
    assert not Follower.objects.exists()


def test_a_starting_worker_queues_what_no_task_took_and_forgets_old_records(network):
    import time_machine

    from fediverse import inbox_tasks

    publish_remote_actor(network)
    long_ago = timezone.now() - timedelta(days=8)
    with time_machine.travel(long_ago, tick=False):
        old = InboxItem.objects.create(
            domain="social.example", key_id="k", signed_text="", signature="", body="{}",
            status=InboxItem.Status.DONE,
        )  # fmt: skip
    body = json.dumps(follow_activity(MAGAZINE)).encode()
    from .conftest import signed_headers as make_headers

    headers = make_headers(INBOX, body)
    with time_machine.travel(timezone.now() - timedelta(minutes=5), tick=False):
        waiting = InboxItem.objects.create(
            domain="social.example",
            key_id=f"{REMOTE}/users/alice#main-key",
            signed_text=signatures.signing_string(
                ("(request-target)", "host", "date", "digest"),
                method="post",
                path=INBOX,
                values={
                    "host": "rivista.example",
                    "date": headers["HTTP_DATE"],
                    "digest": headers["HTTP_DIGEST"],
                },
            ),
            signature=headers["HTTP_SIGNATURE"].split('signature="')[1].rstrip('"'),
            body=body.decode(),
        )

    assert inbox_tasks.inbox_tidy() == (1, 1)

    assert not InboxItem.objects.filter(pk=old.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == InboxItem.Status.DONE
    assert Follower.objects.exists()
