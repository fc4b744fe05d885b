"""Caching of the rendered comment tree, at two grains.

- Per article: a version number, bumped by every change readers could see (signals). The whole
  rendered tree is stored under the current version: a warm page costs no query at all.
- Per thread: each thread's fragment is stored under a fingerprint of the rows it shows. When an
  article's version moves, the tree is read again (one query) but only threads whose rows
  changed are rendered again: a new approved comment re-renders its own thread, not the page.

Keys also carry the language and the maximum depth (reply links), which change the markup.
"""

import hashlib

from django.core.cache import cache
from django.utils import translation

from comments import conf, discussion
from core import versions


def version_name(article_id: int) -> str:
    """The core.versions name of an article's comments (pages kept whole depend on it)."""
    return f"comments:article:{article_id}"


def article_version(article_id: int) -> int:
    return versions.version(version_name(article_id))


def bump_article_version(article_id: int) -> None:
    """Bump now only; changes inside a transaction use bump_article_versions()."""
    versions.bump(version_name(article_id))


def bump_article_versions(*article_ids: int) -> None:
    """Retire the cached trees of these articles now and again after commit."""
    versions.bump_now_and_after_commit(*(version_name(pk) for pk in article_ids))


def last_changed(article_id: int) -> float | None:
    """When the article's comments last changed in a way readers see (for Last-Modified)."""
    return versions.last_changed(version_name(article_id))


def _suffix() -> str:
    return f"{translation.get_language()}:d{discussion.max_depth()}"


def page_key(article_id: int, version: int, page: str) -> str:
    """One page of an article's discussion (comments.paging), under the article's version."""
    return f"comments:page:{article_id}:{version}:{page}:{_suffix()}"


def thread_fingerprint(rows) -> str:
    """Everything about a thread's rows that its markup shows, in their order, hashed: one
    text for the thread, one hash (a field that changes changes the text, a reply added or
    moved changes the order of ids and levels)."""
    text = "\x00".join(
        [
            f"{c.id}|{c.level}|{c.status}|{c.avatar_colour}|{c.author_role}|{c.edited_at}|"
            f"{c.picked_at}|{c.created.timestamp()}|"
            f"{c.author_name}\x01{c.author_url}\x01{c.body_html}"
            for c in rows
        ]
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def thread_key(fingerprint: str, suffix: str | None = None) -> str:
    return f"comments:thread:{fingerprint}:{suffix or _suffix()}"


def get_threads(fingerprints: list[str]) -> dict[str, str]:
    """Rendered threads by fingerprint, for those still in the cache (one round trip)."""
    suffix = _suffix()
    keys = {thread_key(f, suffix): f for f in fingerprints}
    return {keys[key]: html for key, html in cache.get_many(list(keys)).items()}


def set_threads(rendered: dict[str, str]) -> None:
    if rendered:
        suffix = _suffix()
        cache.set_many(
            {thread_key(f, suffix): html for f, html in rendered.items()},
            conf.get("COMMENTS_TREE_CACHE_SECONDS"),
        )
