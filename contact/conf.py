"""Contact form settings, read in one place, per call."""

from django.conf import settings

DEFAULTS = {
    # Messages accepted from one IP address per window (seconds).
    "CONTACT_RATE_LIMIT": 3,
    "CONTACT_RATE_WINDOW": 10 * 60,
    # Receipts sent to one mailbox per window (seconds), whoever writes from wherever: the
    # form cannot flood somebody's inbox (`+tag`s and case folded; the message is kept anyway).
    "CONTACT_RECEIPTS_PER_MAILBOX": 3,
    "CONTACT_RECEIPT_WINDOW": 24 * 3600,
    # The signed form timestamp: sent sooner than this is a bot, older than this is refused.
    "CONTACT_MIN_SECONDS": 3,
    "CONTACT_MAX_FORM_AGE": 2 * 24 * 3600,
    "CONTACT_MAX_LENGTH": 5000,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
