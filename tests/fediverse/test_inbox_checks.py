"""The inbox reads RFC 9421 signatures as well as draft-cavage ones, and counts a server's
budget only once its signature is verified."""

import base64
import json
import time

import pytest
from django.core.cache import cache
from django.test import Client

from fediverse import inbox_tasks, keys, message_signatures, signatures
from fediverse.models import Follower, InboxItem

from .conftest import REMOTE, SITE, follow_activity, publish_remote_actor, remote_key

pytestmark = pytest.mark.django_db

MAGAZINE = f"{SITE}/fediverse/magazine/"
INBOX = "/fediverse/magazine/inbox/"
RFC9421_POST = ("@method", "@target-uri", "@authority", "date", "content-digest")


def rfc9421_headers(
    body: bytes,
    *,
    username: str = "alice",
    host: str = REMOTE,
    private_pem: str | None = None,
    url: str = SITE + INBOX,
    components=RFC9421_POST,
    created: int | None = None,
) -> dict:
    """The headers Fedify sends with a POST, signed with the actor's test key."""
    date = signatures.http_date()
    headers = {"Date": date, "Content-Digest": message_signatures.content_digest(body)}
    signature = message_signatures.MessageSignature(
        label="sig1",
        components=tuple(components),
        parameters={
            "created": int(time.time()) if created is None else created,
            "keyid": f"{host}/users/{username}#main-key",
            "alg": "rsa-v1_5-sha256",
        },
        signature=b"",
    )
    base = message_signatures.signature_base(
        message_signatures.Message.from_url("POST", url, headers), signature
    )
    signed = keys.sign(private_pem or remote_key(username)[0], base.encode())
    return {
        "HTTP_HOST": "rivista.example",
        "HTTP_DATE": date,
        "HTTP_CONTENT_DIGEST": headers["Content-Digest"],
        "HTTP_SIGNATURE_INPUT": f"sig1={signature.signature_params()}",
        "HTTP_SIGNATURE": f"sig1=:{base64.b64encode(signed).decode()}:",
    }


@pytest.fixture
def post_signed(server_client, django_capture_on_commit_callbacks):
    """Post with the given headers and run what the request queued, as a worker would."""

    def _post(body: bytes, headers: dict, *, address: str = "198.51.100.1"):
        with django_capture_on_commit_callbacks(execute=True):
            return server_client.generic(
                "POST",
                INBOX,
                body,
                content_type="application/activity+json",
                secure=True,
                REMOTE_ADDR=address,
                **headers,
            )

    return _post


def _follow(n: int = 1, **options) -> bytes:
    return json.dumps(follow_activity(MAGAZINE, n=n, **options)).encode()


def test_an_rfc9421_signed_follow_is_verified_and_acted_on(network, post_signed):
    publish_remote_actor(network)
    body = _follow()

    response = post_signed(body, rfc9421_headers(body))

    assert response.status_code == 202
    assert InboxItem.objects.get().status == InboxItem.Status.DONE
    assert Follower.objects.get().remote.uri == f"{REMOTE}/users/alice"


def test_an_rfc9421_signature_with_a_rotated_key_fetches_the_key_again_once(network, post_signed):
    publish_remote_actor(network, key=remote_key("old")[1])
    body = _follow(1)
    post_signed(body, rfc9421_headers(body, private_pem=remote_key("old")[0]))
    publish_remote_actor(network)  # alice now publishes her new key
    network.sent.clear()

    body = _follow(2)
    post_signed(body, rfc9421_headers(body))

    assert InboxItem.objects.filter(status=InboxItem.Status.DONE).count() == 2
    assert [sent["url"] for sent in network.sent if sent["method"] == "GET"] == [
        f"{REMOTE}/users/alice"
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"created": int(time.time()) - 3600},
        {"created": int(time.time()) + 3600},
        {"components": ("@method", "@target-uri", "date")},
        {"components": ("@target-uri", "content-digest")},
    ],
    ids=["old", "future", "digest-not-covered", "method-not-covered"],
)
def test_an_rfc9421_signature_is_checked_on_its_face_before_anything_is_kept(
    network, post_signed, options
):
    publish_remote_actor(network)
    body = _follow()

    response = post_signed(body, rfc9421_headers(body, **options))

    assert response.status_code == 401
    assert not InboxItem.objects.exists()
    assert not network.sent


def test_a_request_for_a_host_that_is_not_ours_is_a_400_never_a_500(network):
    browser = Client(raise_request_exception=False)
    body = _follow()
    headers = rfc9421_headers(body, url="https://evil.example" + INBOX) | {
        "HTTP_HOST": "evil.example"
    }

    response = browser.generic(
        "POST", INBOX, body, content_type="application/activity+json", secure=True, **headers
    )

    assert response.status_code == 400
    assert not InboxItem.objects.exists()


def test_a_body_changed_after_an_rfc9421_signature_is_refused(network, post_signed):
    publish_remote_actor(network)
    headers = rfc9421_headers(_follow(1))

    response = post_signed(_follow(2), headers)

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def test_an_rfc9421_signature_made_for_another_servers_inbox_does_not_verify_here(
    network, post_signed
):
    publish_remote_actor(network)
    body = _follow()
    headers = rfc9421_headers(body, url="https://elsewhere.example/fediverse/magazine/inbox/")

    response = post_signed(body, headers)

    assert response.status_code == 202  # checked by the task, with the key
    item = InboxItem.objects.get()
    assert item.status == InboxItem.Status.REFUSED
    assert item.outcome == "bad signature"
    assert not Follower.objects.exists()


def test_an_rfc9421_signature_by_another_key_is_refused(network, post_signed):
    publish_remote_actor(network)
    body = _follow()

    post_signed(body, rfc9421_headers(body, private_pem=remote_key("mallory")[0]))

    assert InboxItem.objects.get().outcome == "bad signature"
    assert not Follower.objects.exists()


def _cavage_over_content_digest(body: bytes) -> dict:
    covered = ("(request-target)", "host", "date", "content-digest")
    values = {
        "host": "rivista.example",
        "date": signatures.http_date(),
        "content-digest": message_signatures.content_digest(body),
    }
    text = signatures.signing_string(covered, method="post", path=INBOX, values=values)
    signed = base64.b64encode(keys.sign(remote_key("alice")[0], text.encode())).decode()
    return {
        "HTTP_HOST": "rivista.example",
        "HTTP_DATE": values["date"],
        "HTTP_CONTENT_DIGEST": values["content-digest"],
        "HTTP_SIGNATURE": (
            f'keyId="{REMOTE}/users/alice#main-key",algorithm="hs2019",'
            f'headers="{" ".join(covered)}",signature="{signed}"'
        ),
    }


def test_a_draft_cavage_signature_over_content_digest_is_accepted(network, post_signed):
    publish_remote_actor(network)
    body = _follow()

    response = post_signed(body, _cavage_over_content_digest(body))

    assert response.status_code == 202
    assert InboxItem.objects.get().status == InboxItem.Status.DONE
    assert Follower.objects.exists()


def test_a_draft_cavage_content_digest_is_checked_against_the_body(network, post_signed):
    publish_remote_actor(network)
    headers = _cavage_over_content_digest(_follow(1))

    response = post_signed(_follow(2), headers)

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


def _hs2019_with_created(body: bytes, *, created: int, algorithm="hs2019", expires=None) -> dict:
    """draft-cavage as Mastodon also reads it: hs2019 with the (created) pseudo-header in
    place of Date."""
    covered = ["(request-target)", "(created)", "host", "digest"]
    values = {"host": "rivista.example", "digest": signatures.digest_of(body)}
    values["(created)"] = str(created)
    parameters = f"created={created}"
    if expires is not None:
        covered.append("(expires)")
        values["(expires)"] = str(expires)
        parameters += f",expires={expires}"
    text = signatures.signing_string(tuple(covered), method="post", path=INBOX, values=values)
    signed = base64.b64encode(keys.sign(remote_key("alice")[0], text.encode())).decode()
    return {
        "HTTP_HOST": "rivista.example",
        "HTTP_DIGEST": values["digest"],
        "HTTP_SIGNATURE": (
            f'keyId="{REMOTE}/users/alice#main-key",algorithm="{algorithm}",{parameters},'
            f'headers="{" ".join(covered)}",signature="{signed}"'
        ),
    }


def test_an_hs2019_signature_over_created_instead_of_date_is_accepted(network, post_signed):
    publish_remote_actor(network)
    body = _follow()

    response = post_signed(body, _hs2019_with_created(body, created=int(time.time())))

    assert response.status_code == 202
    assert InboxItem.objects.get().status == InboxItem.Status.DONE
    assert Follower.objects.exists()


@pytest.mark.parametrize(
    "options",
    [
        {"created": int(time.time()) - 3600},
        {"created": int(time.time()), "algorithm": "rsa-sha256"},
        {"created": int(time.time()), "expires": int(time.time()) - 10},
    ],
    ids=["old", "not-hs2019", "expired"],
)
def test_an_hs2019_created_is_checked_on_its_face(network, post_signed, options):
    publish_remote_actor(network)
    body = _follow()

    response = post_signed(body, _hs2019_with_created(body, **options))

    assert response.status_code == 401
    assert not InboxItem.objects.exists()


# The rate per server, counted on the verified server.


def test_a_forged_key_id_naming_a_server_does_not_use_its_budget(network, post_signed, settings):
    settings.FEDIVERSE_INBOX_RATE_LIMIT = 2
    publish_remote_actor(network)
    mallory = remote_key("mallory")[0]

    forged = []
    for n in range(5):  # each names alice's key, signed with mallory's
        body = _follow(n)
        headers = rfc9421_headers(body, private_pem=mallory)
        forged.append(post_signed(body, headers, address="192.0.2.66").status_code)
    real = []
    for n in range(10, 13):
        body = _follow(n)
        real.append(post_signed(body, rfc9421_headers(body), address="198.51.100.9").status_code)

    assert forged == [202] * 5  # kept, then refused by the task: they cost social.example nothing
    assert set(
        InboxItem.objects.filter(status=InboxItem.Status.REFUSED).values_list("outcome", flat=True)
    ) == {"bad signature"}
    assert real == [202, 202, 429]
    assert InboxItem.objects.filter(status=InboxItem.Status.DONE).count() == 2


def test_a_verified_signature_counts_for_its_server_even_when_its_activity_is_refused(
    network, post_signed, settings
):
    """Its server sent it (the signature says so), whatever the task then makes of it."""
    settings.FEDIVERSE_INBOX_RATE_LIMIT = 1
    publish_remote_actor(network, "mallory")
    body = _follow(1)  # alice's follow, signed by mallory: not the activity's actor
    post_signed(body, rfc9421_headers(body, username="mallory"))

    body = _follow(2)
    response = post_signed(body, rfc9421_headers(body))

    assert InboxItem.objects.get().outcome == "the signer is not the activity's actor"
    assert response.status_code == 429


def test_activities_over_a_verified_servers_budget_are_dropped_by_the_task(
    server_client, network, settings
):
    """Two activities taken before either was verified: the second, once verified, is over."""
    settings.FEDIVERSE_INBOX_RATE_LIMIT = 1
    publish_remote_actor(network)
    for n in (1, 2):
        body = _follow(n)
        server_client.generic(
            "POST",
            INBOX,
            body,
            content_type="application/activity+json",
            secure=True,
            **rfc9421_headers(body),
        )
    first, second = InboxItem.objects.order_by("pk")

    assert inbox_tasks.process_inbox_item.call(first.pk) != "too many activities from this server"
    assert inbox_tasks.process_inbox_item.call(second.pk) == "too many activities from this server"

    second.refresh_from_db()
    assert second.status == InboxItem.Status.REFUSED
    assert Follower.objects.get().follow_id == f"{REMOTE}/1-follow"


def test_each_client_address_is_limited_before_any_key_is_fetched(network, post_signed, settings):
    settings.FEDIVERSE_INBOX_ADDRESS_RATE_LIMIT = 2
    network.routes.clear()

    answers = []
    for n, server in enumerate(["a.example", "b.example", "c.example"]):
        body = _follow(n, host=f"https://{server}")
        headers = rfc9421_headers(body, host=f"https://{server}")
        answers.append(post_signed(body, headers, address="192.0.2.7").status_code)
    body = _follow(9, host="https://d.example")
    elsewhere = post_signed(body, rfc9421_headers(body, host="https://d.example"), address="::1")

    assert answers == [202, 202, 429]  # three servers named, one address counted
    assert elsewhere.status_code == 202
    assert InboxItem.objects.count() == 3
    assert cache.get("fediverse:inbox:rate:192.0.2.7") == 3
