"""Double-knocking: RFC 9421 first to a server whose preference we do not know, draft-cavage once
more on a 401/403, and the scheme that worked remembered per server. Fake servers that check
the signatures they get; no network."""

import json
from urllib.parse import urlsplit

import pytest

from fediverse import actors, fetcher, keys, message_signatures, outgoing, remote, signatures, tasks
from fediverse.models import Delivery

from .conftest import REMOTE, mastodon_actor

pytestmark = pytest.mark.django_db

INBOX = f"{REMOTE}/inbox"


def _verifies_rfc9421(method, url, headers, body, public_pem) -> bool:
    try:
        parsed = message_signatures.parse(headers["Signature-Input"], headers["Signature"])
        if body is not None:
            message_signatures.check_covers_post(parsed)
            message_signatures.check_content_digest(headers.get("Content-Digest"), body)
        base = message_signatures.signature_base(
            message_signatures.Message.from_url(method, url, headers), parsed
        )
    except (signatures.SignatureError, KeyError):
        return False
    return keys.verify(public_pem, parsed.signature, base.encode())


def _verifies_cavage(method, url, headers, body, public_pem) -> bool:
    try:
        parsed = signatures.parse(headers["Signature"])
        if body is not None:
            signatures.check_covers_post(parsed)
            signatures.check_digest(headers.get("Digest"), body)
        text = signatures.signing_string(
            parsed.headers,
            method=method,
            path=urlsplit(url).path,
            values={name.lower(): value for name, value in headers.items()},
        )
    except (signatures.SignatureError, KeyError):
        return False
    return keys.verify(public_pem, parsed.signature, text.encode())


def server(*, takes: tuple[str, ...], answer=None):
    """A server that reads the schemes it `takes` (Mastodon before 4.5: draft-cavage only) and
    answers 401 to any other signature; `answer` is what a verified request gets."""

    def respond(method, url, headers, body):
        public_pem = actors.magazine_actor().public_key_pem
        if "Signature-Input" in headers:
            verified = outgoing.RFC9421 in takes and _verifies_rfc9421(
                method, url, headers, body, public_pem
            )
        else:
            verified = outgoing.CAVAGE in takes and _verifies_cavage(
                method, url, headers, body, public_pem
            )
        if not verified:
            return fetcher.Response(status=401)
        return answer or fetcher.Response(status=202)

    return respond


def _deliver(n: int = 1) -> Delivery:
    delivery = Delivery.objects.create(
        actor=actors.magazine_actor(),
        activity_id=f"{REMOTE}/activity/{n}",
        inbox=INBOX,
        payload={"id": f"{REMOTE}/activity/{n}", "type": "Create"},
    )
    tasks.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def _schemes(network) -> list[str]:
    return [
        outgoing.RFC9421 if "Signature-Input" in sent["headers"] else outgoing.CAVAGE
        for sent in network.sent
    ]


def test_a_server_of_unknown_preference_gets_rfc9421_then_draft_cavage(network):
    network.routes[INBOX] = server(takes=(outgoing.CAVAGE,))

    delivery = _deliver()

    assert delivery.status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]
    assert network.sent[0]["body"] == network.sent[1]["body"]
    assert json.loads(network.sent[1]["body"])["type"] == "Create"
    assert outgoing.remembered_scheme(INBOX) == outgoing.CAVAGE


def test_the_scheme_a_server_took_is_used_directly_next_time(network):
    network.routes[INBOX] = server(takes=(outgoing.CAVAGE,))
    _deliver(1)
    network.sent.clear()

    delivery = _deliver(2)

    assert delivery.status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.CAVAGE]


def test_a_server_that_reads_rfc9421_is_knocked_at_once(network):
    network.routes[INBOX] = server(takes=(outgoing.RFC9421,))

    first = _deliver(1)
    second = _deliver(2)

    assert first.status == second.status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.RFC9421, outgoing.RFC9421]
    assert outgoing.remembered_scheme(INBOX) == outgoing.RFC9421


def test_a_server_refusing_both_is_knocked_at_twice_and_nothing_is_remembered(network):
    network.routes[INBOX] = fetcher.Response(status=403)

    delivery = _deliver()

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "answered 403"
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]
    assert outgoing.remembered_scheme(INBOX) is None


def test_a_server_that_stops_reading_rfc9421_gets_draft_cavage_and_it_is_remembered(network):
    network.routes[INBOX] = server(takes=(outgoing.RFC9421,))
    _deliver(1)
    network.routes[INBOX] = server(takes=(outgoing.CAVAGE,))
    network.sent.clear()

    delivery = _deliver(2)

    assert delivery.status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]
    assert outgoing.remembered_scheme(INBOX) == outgoing.CAVAGE


def test_a_server_that_stops_reading_draft_cavage_gets_rfc9421_and_it_is_remembered(network):
    network.routes[INBOX] = server(takes=(outgoing.CAVAGE,))
    _deliver(1)
    network.routes[INBOX] = server(takes=(outgoing.RFC9421,))
    network.sent.clear()

    delivery = _deliver(2)

    assert delivery.status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.CAVAGE, outgoing.RFC9421]
    assert outgoing.remembered_scheme(INBOX) == outgoing.RFC9421


@pytest.mark.parametrize("status", [400, 401, 403])
def test_each_refusal_of_a_signature_gets_the_other_knock(network, status):
    def refuse_rfc9421(method, url, headers, body):
        return fetcher.Response(status=status if "Signature-Input" in headers else 202)

    network.routes[INBOX] = refuse_rfc9421

    assert _deliver().status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]


def test_a_server_answering_rfc9421_with_500_gets_draft_cavage(network):
    """Some Mastodon versions answered 500 to any RFC 9421 signature (Fedify knocks again)."""

    def broken_on_rfc9421(method, url, headers, body):
        return fetcher.Response(status=500 if "Signature-Input" in headers else 202)

    network.routes[INBOX] = broken_on_rfc9421

    assert _deliver().status == Delivery.Status.SENT
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]
    assert outgoing.remembered_scheme(INBOX) == outgoing.CAVAGE


def test_a_server_we_know_that_is_down_is_knocked_at_once(network):
    network.routes[INBOX] = server(takes=(outgoing.RFC9421,))
    _deliver(1)
    network.routes[INBOX] = fetcher.Response(status=503)
    network.sent.clear()

    delivery = _deliver(2)

    assert delivery.status == Delivery.Status.QUEUED  # retried later by the task's backoff
    assert _schemes(network) == [outgoing.RFC9421]
    assert outgoing.remembered_scheme(INBOX) == outgoing.RFC9421


def test_a_gone_inbox_is_not_knocked_at_again(network):
    network.routes[INBOX] = fetcher.Response(status=410)

    delivery = _deliver()

    assert delivery.status == Delivery.Status.FAILED
    assert _schemes(network) == [outgoing.RFC9421]
    assert outgoing.remembered_scheme(INBOX) is None


def test_the_memory_is_per_server(network):
    other_inbox = "https://other.example/inbox"
    network.routes[INBOX] = server(takes=(outgoing.CAVAGE,))
    network.routes[other_inbox] = server(takes=(outgoing.RFC9421, outgoing.CAVAGE))
    _deliver()

    response = outgoing.request("POST", other_inbox, actor=actors.magazine_actor(), body=b"{}")

    assert response.status == 202
    assert outgoing.remembered_scheme(other_inbox) == outgoing.RFC9421
    assert outgoing.remembered_scheme(INBOX) == outgoing.CAVAGE


def test_a_key_fetched_from_a_secure_mode_server_knocks_twice_as_well(network):
    document = mastodon_actor()
    network.routes[document["id"]] = server(
        takes=(outgoing.CAVAGE,),
        answer=fetcher.Response(status=200, body=json.dumps(document).encode()),
    )

    owner = remote.fetch_key_owner(document["publicKey"]["id"])

    assert owner.uri == document["id"]
    assert [sent["method"] for sent in network.sent] == ["GET", "GET"]
    assert _schemes(network) == [outgoing.RFC9421, outgoing.CAVAGE]
