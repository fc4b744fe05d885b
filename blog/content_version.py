"""A site-wide version of what the public pages show from the blog's own models.

Any save or delete of an article, author, category, tag or promo (and any change of an
article's tags) bumps it: listings, previous/next links, related articles and fragments cached
under it are never served stale. Signals connect it in BlogConfig.ready().
"""

from core import versions

NAME = "blog:content"


def content_version() -> int:
    return versions.version(NAME)


def last_changed() -> float | None:
    return versions.last_changed(NAME)


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: bump now, and again after commit (core.versions says why)."""
    versions.bump_now_and_after_commit(NAME)
