"""Comment settings with their defaults, read in one place.

The moderation issue turns these into discussion settings editable in the admin; callers keep
asking this module.
"""

from django.conf import settings

DEFAULTS = {
    "COMMENTS_MAX_DEPTH": 5,
    "COMMENTS_REQUIRE_APPROVAL": True,
    "COMMENTS_MIN_SECONDS": 3,
    "COMMENTS_MAX_FORM_AGE": 2 * 24 * 3600,
    "COMMENTS_RATE_LIMIT": 5,
    "COMMENTS_RATE_WINDOW": 60,
    "COMMENTS_DUPLICATE_CHECK": True,
    "COMMENTS_REMEMBER_AGE": 365 * 24 * 3600,
    "COMMENTS_TREE_CACHE_SECONDS": 24 * 3600,
}
MAX_DEPTH_LIMIT = 10


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def max_depth() -> int:
    """How many levels a thread may have (roots are level 1), clamped to 1..10."""
    return max(1, min(MAX_DEPTH_LIMIT, int(get("COMMENTS_MAX_DEPTH"))))
