"""Requests signed by one of our actors, in the scheme each server takes.

Servers are moving from draft-cavage HTTP Signatures (fediverse.signatures, what Mastodon has
always spoken) to RFC 9421 HTTP Message Signatures (fediverse.message_signatures). We do what
Fedify does ("double-knocking"): a server whose preference we do not know is sent an RFC 9421
signature first; when it answers 400, 401 or 403 (or a 5xx: see _knock_again), the same
request goes once more with a draft-cavage one. The scheme that got a 2xx is remembered per
server in the shared cache for FEDIVERSE_SIGNATURE_SCHEME_SECONDS, so later requests use it
directly, and knock with the other one only when it is refused (a server that changed its
software). A lost cache entry costs one
request more; an expired one asks RFC 9421 again, which the server may have learnt meanwhile.
"""

import logging
from urllib.parse import urlsplit

from django.core.cache import cache

from fediverse import addresses, conf, fetcher, message_signatures, signatures
from fediverse.models import LocalActor

logger = logging.getLogger(__name__)

RFC9421 = "rfc9421"
CAVAGE = "draft-cavage"
# Answers that may mean "I cannot read this signature": try the other scheme.
SIGNATURE_REFUSED = {400, 401, 403}


def scheme_key(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return f"fediverse:signature-scheme:{host}"


def remembered_scheme(url: str) -> str | None:
    """The scheme the server at `url` last took, if we remember it."""
    return cache.get(scheme_key(url))


def _signer(scheme: str, actor: LocalActor):
    key_id = addresses.key_id(actor)

    def sign(method: str, url: str, body: bytes | None) -> dict:
        if scheme == RFC9421:
            return message_signatures.sign_headers(
                method=method,
                url=url,
                key_id=key_id,
                private_pem=actor.private_key_pem,
                body=body,
                date=signatures.http_date(),
            )
        return signatures.sign_headers(
            method=method, url=url, key_id=key_id, private_pem=actor.private_key_pem, body=body
        )

    return sign


def request(
    method: str,
    url: str,
    *,
    actor: LocalActor,
    headers: dict | None = None,
    body: bytes | None = None,
) -> fetcher.Response:
    """One request signed by `actor` (fetcher.request's checks and redirects), in the scheme the
    server last took (RFC 9421 when unknown), and once more in the other when it is refused."""
    remembered = remembered_scheme(url)
    scheme = remembered if remembered in (RFC9421, CAVAGE) else RFC9421
    response = fetcher.request(method, url, headers=headers, body=body, sign=_signer(scheme, actor))
    if _knock_again(response.status, remembered):
        logger.debug("%s refused a %s signature (%s)", url, scheme, response.status)
        scheme = CAVAGE if scheme == RFC9421 else RFC9421
        response = fetcher.request(
            method, url, headers=headers, body=body, sign=_signer(scheme, actor)
        )
    if 200 <= response.status < 300 and scheme != remembered:
        cache.set(scheme_key(url), scheme, conf.get("FEDIVERSE_SIGNATURE_SCHEME_SECONDS"))
    return response


def _knock_again(status: int, remembered: str | None) -> bool:
    """Whether the answer asks for the other scheme. A 5xx does too while we know nothing of
    the server: some Mastodon versions answered 500 to any RFC 9421 signature (Fedify knocks
    again on a 5xx for them); a server whose scheme we know is just down."""
    return status in SIGNATURE_REFUSED or (status >= 500 and remembered is None)


def get_json(url: str, *, actor: LocalActor) -> dict:
    """A signed GET of an ActivityPub document (servers in Mastodon's secure mode refuse
    unsigned ones)."""
    response = request("GET", url, actor=actor, headers={"Accept": fetcher.JSON_ACCEPT})
    if response.status != 200:
        raise fetcher.FetchError(f"{url} answered {response.status}")
    return response.json()
