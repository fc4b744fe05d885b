"""Personal API tokens: issued once (only a hash is kept), checked on every staff request,
revoked in the admin. A token reads `rv_<prefix>_<secret>`; the prefix finds the row, the
hash of the whole token proves it, compared in constant time."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from api.models import ApiToken

SCHEME = "rv"
# last_used_at is written at most this often: a busy client costs no write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(token: ApiToken) -> str:
    """Give an unsaved token its secret: returns the token to show once; the row keeps only
    its prefix and hash."""
    token.prefix = secrets.token_hex(6)
    raw = f"{SCHEME}_{token.prefix}_{secrets.token_urlsafe(32)}"
    token.digest = _digest(raw)
    return raw


def token_create(*, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
    token = ApiToken(user=user, name=name, expires_at=expires_at)
    raw = token_issue(token)
    token.save()
    return token, raw


def tokens_revoke(*, tokens) -> int:
    """Revoke now (the row stays, for the record)."""
    with transaction.atomic():
        return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token `raw` is, with its user; None for anything else."""
    scheme, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not constant_time_compare(token.digest, _digest(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
