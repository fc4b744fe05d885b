"""core's defaults, in one place: settings.py overrides them, it does not restate them.

(The page cache's own, PAGE_CACHE_*, are still in core/page_cache.py.)
"""

from django.conf import settings

DEFAULTS = {
    # Attempts per email before it is recorded as failed: with the delays below, about nine
    # hours of SMTP outage are ridden out.
    "EMAIL_MAX_ATTEMPTS": 12,
    "EMAIL_RETRY_DELAY": 30,  # seconds before the second attempt, doubled for each next one
    "EMAIL_RETRY_MAX_DELAY": 3600,
    # A send claimed this long ago by a worker that never finished it (killed) is tried again.
    "EMAIL_CLAIM_TIMEOUT": 600,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
