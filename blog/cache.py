"""A site-wide version of what the public pages show from the blog's own models.

Any save or delete of an article, author, category, tag or promo (and any change of an
article's tags) bumps it: listings, previous/next links, related articles and fragments cached
under it are never served stale. Signals connect it in BlogConfig.ready().
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "blog:content:v"
CHANGED_KEY = "blog:content:changed"


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def last_changed() -> float | None:
    return cache.get(CHANGED_KEY)


def bump_content_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    cache.set(CHANGED_KEY, time.time(), timeout=None)


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: bump now, and again after commit (a render racing the transaction
    must not keep the old content under the new version)."""
    bump_content_version()
    transaction.on_commit(bump_content_version)
