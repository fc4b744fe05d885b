"""Who a commenter is, for their record and standing: their account, else their address.

The address is kept as a keyed hash (HMAC under a key derived from SECRET_KEY): comments of the
same person match whatever the letter case they typed, and the key never shows an address to
whoever reads it (an admin URL, a log line). Whether the address was *proved* (comments.
verification) is a separate question the standing rules ask; the record is the same.
"""

from django.utils.crypto import salted_hmac

SALT = "comments.commenter"
ACCOUNT_PREFIX = "u:"
ADDRESS_PREFIX = "e:"
KEY_LENGTH = 48


def commenter_key(*, user_id: int | None, email: str) -> str:
    """The commenter's key: "u:<account id>", "e:<keyed hash of the address>", or "" (nobody)."""
    if user_id is not None:
        return f"{ACCOUNT_PREFIX}{user_id}"
    email = (email or "").strip().lower()
    if not email:
        return ""
    digest = salted_hmac(SALT, email, algorithm="sha256").hexdigest()
    return f"{ADDRESS_PREFIX}{digest[: KEY_LENGTH - len(ADDRESS_PREFIX)]}"


def is_account(key: str) -> bool:
    return key.startswith(ACCOUNT_PREFIX)
