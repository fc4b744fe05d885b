"""HTTP Message Signatures (RFC 9421) with RSA keys (`rsa-v1_5-sha256`), and the body's
Content-Digest (RFC 9530): signing our requests, reading and checking theirs.

The older draft-cavage signatures Mastodon has spoken for years live in fediverse.signatures;
fediverse.outgoing picks one per server (RFC 9421 first, draft-cavage when refused) and the
inbox reads either. As with draft-cavage, reading a signature needs no key: the signature base
(the text the signature covers) is made in the request and kept, and a task checks it with the
sender's key (keys.verify: the same RSA PKCS#1 v1.5 SHA-256 as draft-cavage's rsa-sha256).

The headers are Structured Fields (fediverse.structured_fields). Components we cannot rebuild
(parameterised ones such as `"@query-param";name=...`, or `;sf`, `;bs`, `;req`, and those of
responses) refuse the signature.
"""

import base64
import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from fediverse import keys
from fediverse.signatures import SignatureError
from fediverse.structured_fields import (
    StructuredFieldError,
    Token,
    parse_dictionary,
    serialize_inner_list,
    serialize_item,
)

ALGORITHM = "rsa-v1_5-sha256"
LABEL = "sig1"
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
DERIVED = (
    "@method",
    "@target-uri",
    "@authority",
    "@scheme",
    "@request-target",
    "@path",
    "@query",
)


def _dictionary(text: str) -> dict:
    try:
        return parse_dictionary(text)
    except StructuredFieldError as error:
        raise SignatureError(str(error)) from None


# Content-Digest (RFC 9530).


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def check_content_digest(value: str | None, body: bytes) -> None:
    """Every digest we can compute (SHA-256, SHA-512) must match the body, and one must be
    there; others (md5, sha) are ignored."""
    if not value:
        raise SignatureError("no Content-Digest header")
    known = 0
    for algorithm, (digest, _parameters) in _dictionary(value).items():
        if algorithm not in DIGESTS:
            continue
        if not isinstance(digest, bytes) or digest != DIGESTS[algorithm](body).digest():
            raise SignatureError("Content-Digest does not match the body")
        known += 1
    if not known:
        raise SignatureError("no SHA-256 or SHA-512 Content-Digest")


# The signature base (RFC 9421, section 2).


@dataclass(frozen=True)
class MessageSignature:
    label: str
    components: tuple[str, ...]
    parameters: dict
    signature: bytes

    @property
    def key_id(self) -> str:
        return self.parameters.get("keyid", "")

    @property
    def key_domain(self) -> str:
        return (urlsplit(self.key_id).hostname or "").lower()

    @property
    def created(self) -> int | None:
        created = self.parameters.get("created")
        return created if isinstance(created, int) and not isinstance(created, bool) else None

    def signature_params(self) -> str:
        return serialize_inner_list([(name, {}) for name in self.components], self.parameters)


@dataclass(frozen=True)
class Message:
    """What a signature base is made of: the request line's parts and its header fields
    (`headers.get(name)` by lowercase name; several values already joined with ", ")."""

    method: str
    scheme: str
    authority: str  # host[:port], lowercase, the scheme's default port left out
    path: str  # as sent, percent-encoded
    query: str  # without "?"
    headers: object

    @classmethod
    def from_url(cls, method: str, url: str, headers: dict) -> "Message":
        parts = urlsplit(url)
        lowered = {name.lower(): value for name, value in headers.items()}
        return cls(
            method=method.upper(),
            scheme=parts.scheme.lower(),
            authority=authority_of(parts.scheme, parts.netloc),
            path=parts.path or "/",
            query=parts.query,
            headers=lowered,
        )

    @classmethod
    def from_request(cls, request) -> "Message":
        """A request received by Django (its Host checked against ALLOWED_HOSTS: a signature
        made for another server's address does not verify here)."""
        scheme = request.scheme
        return cls(
            method=request.method.upper(),
            scheme=scheme,
            authority=authority_of(scheme, request.get_host()),
            path=urlsplit(request.get_full_path()).path,
            query=request.META.get("QUERY_STRING", ""),
            headers=request.headers,
        )

    def derived(self, name: str) -> str:
        query = f"?{self.query}"
        target = self.path + (query if self.query else "")
        return {
            "@method": self.method,
            "@scheme": self.scheme,
            "@authority": self.authority,
            "@target-uri": f"{self.scheme}://{self.authority}{target}",
            "@request-target": target,
            "@path": self.path,
            "@query": query,
        }[name]


def authority_of(scheme: str, host: str) -> str:
    host = (host or "").lower()
    default = {"https": ":443", "http": ":80"}.get(scheme.lower())
    return host[: -len(default)] if default and host.endswith(default) else host


def signature_base(message: Message, signature: MessageSignature) -> str:
    lines = []
    for name in signature.components:
        if name in DERIVED:
            value = message.derived(name)
        elif name.startswith("@"):
            raise SignatureError(f"unsupported component {name}")
        else:
            value = message.headers.get(name)
            if value is None:
                raise SignatureError(f"signed field {name} is missing")
            value = " ".join(value.strip().split("\n"))  # obs-fold, if a server still sends it
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {signature.signature_params()}')
    return "\n".join(lines)


# Reading theirs.


def parse(signature_input: str, signature: str) -> MessageSignature:
    """The first signature in the headers we can check: RSA (or no algorithm named), with a
    keyid, over components we can rebuild."""
    inputs = _dictionary(signature_input)
    values = _dictionary(signature)
    reason = "no signature"
    for label, (components, parameters) in inputs.items():
        value, _ = values.get(label, (None, {}))
        try:
            return _one(label, components, parameters, value)
        except SignatureError as error:
            reason = str(error)
    raise SignatureError(reason)


def _one(label: str, components, parameters: dict, value) -> MessageSignature:
    if not isinstance(components, list):
        raise SignatureError("Signature-Input is not a list of components")
    if not isinstance(value, bytes):
        raise SignatureError("no signature under this label")
    if parameters.get("alg", ALGORITHM) != ALGORITHM:
        raise SignatureError("unsupported algorithm")
    if not isinstance(parameters.get("keyid"), str) or not parameters["keyid"]:
        raise SignatureError("signature without keyid")
    names = []
    for name, component_parameters in components:
        if not isinstance(name, str) or isinstance(name, Token) or component_parameters:
            raise SignatureError("unsupported component")
        if name != name.lower() or name in names or name == "@signature-params":
            raise SignatureError("malformed component list")
        if name.startswith("@") and name not in DERIVED:
            raise SignatureError(f"unsupported component {name}")
        names.append(name)
    return MessageSignature(
        label=label, components=tuple(names), parameters=dict(parameters), signature=value
    )


def check_covers_post(signature: MessageSignature) -> None:
    """A POST's signature must cover the method, the target (whole, or its host and path) and
    the body's digest."""
    covered = set(signature.components)
    missing = []
    if "@method" not in covered:
        missing.append("@method")
    if "@target-uri" not in covered and not {"@authority", "@path"} <= covered:
        missing.append("@target-uri")
    if "content-digest" not in covered:
        missing.append("content-digest")
    if missing:
        raise SignatureError("signature does not cover " + " ".join(missing))


def check_created(signature: MessageSignature, *, window: int, now: float | None = None) -> None:
    """`created` must be within the window of our clock, and `expires`, when given, ahead."""
    now = time.time() if now is None else now
    if signature.created is None:
        raise SignatureError("signature without created")
    if abs(now - signature.created) > window:
        raise SignatureError("created outside the accepted window")
    expires = signature.parameters.get("expires")
    if expires is not None and (not isinstance(expires, int) or expires < now):
        raise SignatureError("signature expired")


# Signing ours.


def sign_headers(
    *,
    method: str,
    url: str,
    key_id: str,
    private_pem: str,
    body: bytes | None = None,
    date: str,
    created: int | None = None,
) -> dict:
    """The headers that sign a request from one of our actors: Date, Content-Digest (with a
    body), Signature-Input and Signature, over the method, the whole target address and its
    host, the date and the digest."""
    headers = {"Date": date}
    components = ["@method", "@target-uri", "@authority", "date"]
    if body is not None:
        headers["Content-Digest"] = content_digest(body)
        components.append("content-digest")
    signature = MessageSignature(
        label=LABEL,
        components=tuple(components),
        parameters={
            "created": int(time.time()) if created is None else created,
            "keyid": key_id,
            "alg": ALGORITHM,
        },
        signature=b"",
    )
    base = signature_base(Message.from_url(method, url, headers), signature)
    signed = keys.sign(private_pem, base.encode())
    headers["Signature-Input"] = f"{LABEL}={signature.signature_params()}"
    headers["Signature"] = f"{LABEL}={serialize_item(signed)}"
    return headers
