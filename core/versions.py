"""Version counters in the shared cache: cached pages and fragments are keyed on them.

A change that readers could see bumps the version of what it changed (the blog's content, one
article's comments). Every process sharing the cache reads the new version at its next request.
Each version also remembers when it last moved, for Last-Modified.
"""

import time

from django.core.cache import cache
from django.db import transaction


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
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        for name in names:  # what on_commit would do at once
            bump(name)
        return
    pending = _pending_bumps(connection)
    if pending is None:
        pending = _BumpsAfterCommit()
        transaction.on_commit(pending)
    pending.names.update(names)


class _BumpsAfterCommit:
    def __init__(self):
        self.names: set[str] = set()

    def __call__(self) -> None:
        for name in self.names:
            bump(name)


# How far back the queue of callbacks is searched for one of ours (it stays short: each new
# savepoint adds at most one of ours).
_SEARCHED = 20


def _pending_bumps(connection) -> "_BumpsAfterCommit | None":
    """Our callback still queued for the current savepoint, if any: one registered under a
    savepoint since rolled back has left the queue with it, and another is made."""
    # None stands for an atomic block without a savepoint (savepoint=False, as Model.save()
    # opens): nothing is rolled back to it, so it does not tell two places apart.
    savepoints = set(connection.savepoint_ids) - {None}
    for queued_under, callback, _ in reversed(connection.run_on_commit[-_SEARCHED:]):
        if isinstance(callback, _BumpsAfterCommit) and queued_under - {None} == savepoints:
            return callback
    return None
