"""Newsletter settings, read in one place, per call (tests and the environment may change them)."""

from django.conf import settings

DEFAULTS = {
    # A confirmation link works for this many days; unsubscribe links never expire.
    "NEWSLETTER_CONFIRM_DAYS": 7,
    # Sign-ups accepted from one IP address per window (seconds).
    "NEWSLETTER_RATE_LIMIT": 5,
    "NEWSLETTER_RATE_WINDOW": 10 * 60,
    # Messages sent to one mailbox per window (seconds), whoever asks: the form cannot be used
    # to flood somebody's inbox from many IP addresses (`+tag`s and case folded: core.ratelimit).
    "NEWSLETTER_MAILS_PER_ADDRESS": 3,
    "NEWSLETTER_ADDRESS_WINDOW": 24 * 3600,
    # The signed form timestamp: sent sooner than this is a bot, older than this is refused.
    "NEWSLETTER_MIN_SECONDS": 2,
    "NEWSLETTER_MAX_FORM_AGE": 2 * 24 * 3600,
    # Sending an issue: messages per batch (one SMTP connection each), batches running at once
    # (one per worker you run), the mailer they go through, and after how many seconds a batch
    # claimed by a worker that died is handed to another.
    "NEWSLETTER_BATCH_SIZE": 200,
    "NEWSLETTER_PARALLEL_BATCHES": 2,
    "NEWSLETTER_MAILER": "outgoing",
    "NEWSLETTER_CLAIM_TIMEOUT": 300,
    # SMTP connections a batch keeps open: that many messages go out at once, and their "sent"
    # marks are written in one statement, so the database is written once per round.
    "NEWSLETTER_SMTP_CONNECTIONS": 4,
    # A message the server refused for now (4xx, connection lost) is tried this many times in
    # all, waiting NEWSLETTER_RETRY_DELAY seconds when the server cannot be reached at all.
    # PostgreSQL: the "sent" marks of a batch are committed without waiting for the disk
    # (synchronous_commit off, for the batch's session only). A killed worker loses nothing
    # by it; a crash of the database server itself may forget the last fraction of a second
    # of marks, and those few messages would go out again. Five to ten times faster under load.
    "NEWSLETTER_ASYNCHRONOUS_COMMIT": True,
    "NEWSLETTER_MAX_ATTEMPTS": 3,
    "NEWSLETTER_RETRY_DELAY": 60,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
