"""Work after commit, gathered: one callback per transaction (per savepoint) and purpose,
holding a set of items, instead of a callback for every save. A long transaction (an import of
20,000 articles and their comments) then holds a set, not a queue of closures that grows with
the file."""

from collections.abc import Callable, Hashable

from django.db import transaction


class Gathered:
    def __init__(self, purpose: str, flush: Callable[[set], None]):
        self.purpose = purpose
        self.flush = flush
        self.items: set = set()
        self.done = False

    def __call__(self) -> None:
        # Run: later items need a callback of their own (tests run callbacks before the
        # transaction ends, e.g. django_capture_on_commit_callbacks).
        self.done = True
        self.flush(self.items)


# How far back the queue of callbacks is searched for one of ours (it stays short: each new
# savepoint adds at most one per purpose).
_SEARCHED = 40


def _pending(connection, purpose: str) -> Gathered | None:
    """Our callback for `purpose` still queued for the current savepoint, if any: one registered
    under a savepoint since rolled back has left the queue with it, and another is made."""
    # None stands for an atomic block without a savepoint (savepoint=False, as Model.save()
    # opens): nothing is rolled back to it, so it does not tell two places apart.
    savepoints = set(connection.savepoint_ids) - {None}
    for queued_under, callback, _ in reversed(connection.run_on_commit[-_SEARCHED:]):
        if (
            isinstance(callback, Gathered)
            and not callback.done
            and callback.purpose == purpose
            and queued_under - {None} == savepoints
        ):
            return callback
    return None


def gather(purpose: str, item: Hashable, flush: Callable[[set], None]) -> None:
    """`flush(items)` once the open transaction commits, with every item gathered for
    `purpose` in it (at once, with this item alone, outside a transaction)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        flush({item})
        return
    pending = _pending(connection, purpose)
    if pending is None:
        pending = Gathered(purpose, flush)
        transaction.on_commit(pending)
    pending.items.add(item)
