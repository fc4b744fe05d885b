"""HTTP Signatures as Mastodon speaks them (draft-cavage-http-signatures-12, rsa-sha256):
signing our requests, reading and checking theirs. Their successor, RFC 9421, is in
fediverse.message_signatures; fediverse.outgoing picks one per server.

A POST is signed over (request-target), host, date and digest; the Digest header is the
SHA-256 of the body (a signature covering RFC 9530's Content-Digest instead is read too, and,
as Mastodon reads them, hs2019's (created) in place of date, with (expires) if signed).
Reading a signature needs no key: checking it (keys.verify) does, and the key is fetched by a
task (fediverse.remote), never in a request.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from django.utils import timezone

from fediverse import keys

REQUIRED_POST_HEADERS = ("(request-target)", "host")
# A POST's signature covers one of each: its time and its body's digest.
TIMES = ("date", "(created)")
BODY_DIGESTS = ("digest", "content-digest")
ALGORITHMS = ("rsa-sha256", "hs2019")  # hs2019: the algorithm is the key's (RSA here)
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([0-9]{1,15}))\s*(?:,|$)')


class SignatureError(Exception):
    """Why a request's signature cannot be accepted (for the log, not for the sender)."""


@dataclass(frozen=True)
class Signature:
    key_id: str
    headers: tuple[str, ...]
    signature: bytes
    # hs2019's (created) and (expires) pseudo-headers, Unix times (as Mastodon reads them).
    created: int | None = None
    expires: int | None = None

    def pseudo_headers(self) -> dict:
        """The values of (created) and (expires), for signing_string."""
        values = {"(created)": self.created, "(expires)": self.expires}
        return {name: str(value) for name, value in values.items() if value is not None}

    @property
    def key_domain(self) -> str:
        return (urlsplit(self.key_id).hostname or "").lower()


def digest_of(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(moment: datetime | None = None) -> str:
    return format_datetime(moment or timezone.now(), usegmt=True)


def parse(header: str) -> Signature:
    params = {}
    position = 0
    while position < len(header):
        match = _PARAM.match(header, position)
        if match is None:
            raise SignatureError("malformed Signature header")
        params[match.group(1)] = match.group(2) if match.group(3) is None else match.group(3)
        position = match.end()
    if not params.get("keyId") or not params.get("signature"):
        raise SignatureError("Signature without keyId or signature")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise SignatureError("unsupported algorithm")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("signature is not base64") from None
    headers = tuple(params.get("headers", "date").lower().split())
    times = {}
    for name in ("created", "expires"):
        if f"({name})" not in headers:
            continue
        if algorithm != "hs2019" or not params.get(name, "").isdigit():
            raise SignatureError(f"({name}) without hs2019 and its {name} parameter")
        times[name] = int(params[name])
    return Signature(key_id=params["keyId"], headers=headers, signature=signature, **times)


def signing_string(headers: tuple[str, ...], *, method: str, path: str, values) -> str:
    """The text a signature covers; `values` maps a lowercase header name to its value."""
    lines = []
    for name in headers:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
            continue
        value = values.get(name)
        if value is None:
            raise SignatureError(f"signed header {name} is missing")
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def check_created(signature: Signature, *, window: int, now: datetime | None = None) -> None:
    """hs2019's (created) within the window of our clock, and (expires), if signed, ahead."""
    moment = (now or timezone.now()).timestamp()
    if signature.created is None or abs(moment - signature.created) > window:
        raise SignatureError("(created) outside the accepted window")
    if signature.expires is not None and signature.expires < moment:
        raise SignatureError("signature expired")


def check_date(value: str | None, *, window: int, now: datetime | None = None) -> None:
    if not value:
        raise SignatureError("no Date header")
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureError("unreadable Date header") from None
    if sent.tzinfo is None:
        raise SignatureError("Date without a time zone")
    skew = abs(((now or timezone.now()) - sent).total_seconds())
    if skew > window:
        raise SignatureError("Date outside the accepted window")


def check_digest(value: str | None, body: bytes) -> None:
    """The Digest header must carry the SHA-256 of the body (other algorithms are ignored)."""
    if not value:
        raise SignatureError("no Digest header")
    for part in value.split(","):
        algorithm, _, encoded = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            if encoded != digest_of(body).partition("=")[2]:
                raise SignatureError("Digest does not match the body")
            return
    raise SignatureError("no SHA-256 Digest")


def check_covers_post(signature: Signature) -> None:
    missing = [name for name in REQUIRED_POST_HEADERS if name not in signature.headers]
    if not any(name in signature.headers for name in TIMES):
        missing.append("date")
    if not any(name in signature.headers for name in BODY_DIGESTS):
        missing.append("digest")
    if missing:
        raise SignatureError("signature does not cover " + " ".join(missing))


def sign_headers(
    *, method: str, url: str, key_id: str, private_pem: str, body: bytes | None = None
) -> dict:
    """The headers that sign a request from one of our actors: Host, Date, Digest (with a
    body) and Signature."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    values = {"host": parts.netloc, "date": http_date()}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        values["digest"] = digest_of(body)
        names.append("digest")
    text = signing_string(tuple(names), method=method, path=path, values=values)
    signature = base64.b64encode(keys.sign(private_pem, text.encode())).decode()
    values["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature}"'
    )
    return {name.title(): value for name, value in values.items()}
