"""Caching of the rendered comment tree, at two grains.

- Per article: a version number, bumped by every change readers could see (signals). The whole
  rendered tree is stored under the current version: a warm page costs no query at all.
- Per thread: each thread's fragment is kept under a fingerprint of the rows it shows, the
  threads of one view (a comment page in an order) together in one entry. When an article's
  version moves, the tree is read again (one query) but only threads whose rows changed are
  rendered again: a new approved comment re-renders its own thread, not the page. One entry
  rather than a key per thread: a cold page of 300 threads cost 300 writes and 300 missed
  reads, twice what one entry costs.

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
            f"{c.id}|{c.level}|{c.status}|{c.avatar_colour}|{c.author_role}|{c.edited}|"
            f"{c.picked}|{c.posted}|"
            f"{c.author_name}\x01{c.author_url}\x01{c.body_html}"
            for c in rows
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def threads_key(article_id: int, view: str, suffix: str | None = None) -> str:
    """The threads of one view of an article's discussion (a comment page in an order, or the
    whole tree): a single entry, read and written once per render."""
    return f"comments:threads:{article_id}:{view}:{suffix or _suffix()}"


def get_threads(article_id: int, view: str) -> dict[str, bytes]:
    """The view's rendered threads (UTF-8) by fingerprint, as last kept (one read)."""
    kept = cache.get(threads_key(article_id, view))
    return kept if isinstance(kept, dict) else {}


def set_threads(article_id: int, view: str, rendered: dict[str, bytes]) -> None:
    """Keep exactly the threads the view shows now: a thread gone or changed leaves the entry
    with its old fingerprint, so the entry never grows past one page's threads."""
    cache.set(threads_key(article_id, view), rendered, conf.get("COMMENTS_TREE_CACHE_SECONDS"))
