"""Version counters in the shared cache: cached pages and fragments are keyed on them.

A change that readers could see bumps the version of what it changed (the blog's content, one
article's comments). Every process sharing the cache reads the new version at its next request.
Each version also remembers when it last moved, for Last-Modified.
"""

import time

from django.core.cache import cache

from core import after_commit


def _version_key(name: str) -> str:
    return f"{name}:v"


def _changed_key(name: str) -> str:
    return f"{name}:changed"


def version(name: str) -> int:
    """The current version of `name` (1 when nothing has bumped it yet)."""
    key = _version_key(name)
    current = cache.get(key)
    if current is None:
        cache.add(key, 1, timeout=None)
        current = cache.get(key, 1)
    return current


def current(names: list[str]) -> dict[str, int | None]:
    """The versions of several names in one cache round trip; None for one the cache lost."""
    found = cache.get_many([_version_key(name) for name in names])
    return {name: found.get(_version_key(name)) for name in names}


def last_changed(name: str) -> float | None:
    """When `name` was last bumped (a timestamp), or None if never since the cache started."""
    return cache.get(_changed_key(name))


def bump(name: str) -> None:
    """Move the version of `name` on, now."""
    try:
        cache.incr(_version_key(name))
    except ValueError:
        cache.set(_version_key(name), 2, timeout=None)
    cache.set(_changed_key(name), time.time(), timeout=None)


def bump_now_and_after_commit(*names: str) -> None:
    """Bump now, and again once the open transaction commits (at once outside one).

    Twice on purpose: a reader rendering while the transaction is still open could cache the old
    state under the first new version; the bump after commit retires that one too.

    The bumps after commit are gathered: one callback per transaction (per savepoint) bumps each
    name once, so a long transaction (an import of 20,000 articles) holds a set of names, not a
    callback for every save.
    """
    for name in names:
        bump(name)
    for name in names:
        after_commit.gather("core.versions", name, _bump_each)


def _bump_each(names: set[str]) -> None:
    for name in names:
        bump(name)
