"""Who a commenter is, for their record and standing: their account, else their address; for a
reply from the fediverse, the actor that signed it (its id, an address on its own server).

The address is kept as a keyed hash (HMAC under a key derived from SECRET_KEY): comments of the
same person match whatever the letter case they typed, and the key never shows an address to
whoever reads it (an admin URL, a log line). Whether the address was *proved* (comments.
verification) is a separate question the standing rules ask; the record is the same.
"""

from django.utils.crypto import salted_hmac

SALT = "comments.commenter"
ACCOUNT_PREFIX = "u:"
ADDRESS_PREFIX = "e:"
ACTOR_PREFIX = "a:"
KEY_LENGTH = 48


def commenter_key(*, user_id: int | None, email: str, actor: str = "") -> str:
    """The commenter's key: "u:<account id>", "e:<keyed hash of the address>", "a:<keyed hash
    of a fediverse actor's id>", or "" (nobody)."""
    if actor:
        digest = salted_hmac(SALT, actor.strip(), algorithm="sha256").hexdigest()
        return f"{ACTOR_PREFIX}{digest[: KEY_LENGTH - len(ACTOR_PREFIX)]}"
    if user_id is not None:
        return f"{ACCOUNT_PREFIX}{user_id}"
    email = (email or "").strip().lower()
    if not email:
        return ""
    digest = salted_hmac(SALT, email, algorithm="sha256").hexdigest()
    return f"{ADDRESS_PREFIX}{digest[: KEY_LENGTH - len(ADDRESS_PREFIX)]}"


def is_account(key: str) -> bool:
    return key.startswith(ACCOUNT_PREFIX)


def is_actor(key: str) -> bool:
    """A fediverse actor: proved by the signature of every activity it sends."""
    return key.startswith(ACTOR_PREFIX)
