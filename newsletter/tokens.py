"""Signed links for the emails: confirm a subscription (expires), unsubscribe (never expires).

A token carries the subscriber's id and a keyed fingerprint of their address, never the address
itself: signed values are only base64, and links end up in logs and browser histories. The
fingerprint also retires every link when an editor changes the address, and an unsubscribe
retires the confirmation links made before it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from core.mail import site_url
from newsletter.models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
_FINGERPRINT_SALT = "newsletter.token-address"


@dataclass
class TokenInvalid(Exception):
    """A link that was forged, mangled, superseded or (with expired=True) is too old."""

    expired: bool = False


def _fingerprint(subscriber: Subscriber, salt: str) -> str:
    value = subscriber.email
    if salt == CONFIRM_SALT:
        # An unsubscribe retires every confirmation link made before it: a link from an old
        # sign-up must not confirm the new one (the reader may not have asked for it).
        left = subscriber.unsubscribed_at
        value += "|" + (left.isoformat() if left else "")
    return salted_hmac(_FINGERPRINT_SALT, value, algorithm="sha256").hexdigest()[:20]


def make_token(subscriber: Subscriber, *, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "f": _fingerprint(subscriber, salt)}, salt=salt)


def read_token(token: str, *, salt: str, max_age: int | None = None) -> tuple[int, str]:
    """The subscriber id and fingerprint a token was signed for; TokenInvalid otherwise."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise TokenInvalid(expired=True) from None
    except signing.BadSignature:
        raise TokenInvalid from None
    if not isinstance(value, dict):
        raise TokenInvalid
    pk, fingerprint = value.get("s"), value.get("f")
    if type(pk) is not int or not isinstance(fingerprint, str):
        raise TokenInvalid
    return pk, fingerprint


def matches(subscriber: Subscriber, fingerprint: str, *, salt: str) -> bool:
    return constant_time_compare(_fingerprint(subscriber, salt), fingerprint)


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The one-click link every newsletter email carries (body and List-Unsubscribe)."""
    token = make_token(subscriber, salt=UNSUBSCRIBE_SALT)
    return site_url(reverse("newsletter:unsubscribe", args=[token]))


def unsubscribe_url_maker() -> Callable[[Subscriber], str]:
    """unsubscribe_url() for many subscribers: the URL is reversed once, each call only signs."""
    placeholder = "__token__"
    template = site_url(reverse("newsletter:unsubscribe", args=[placeholder]))

    def make(subscriber: Subscriber) -> str:
        token = make_token(subscriber, salt=UNSUBSCRIBE_SALT)
        return template.replace(placeholder, token)

    return make
