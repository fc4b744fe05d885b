"""One rate-limit counter for every app: a number of events per key within a window.

Counted in Django's cache, so every process sharing it (Redis in production) sees the same
count. The window starts with the first event and is not extended by the next ones.
"""

from django.core.cache import cache


def count(key: str, *, window: int) -> int:
    """Count one event under the key; return how many the current window holds now."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, window)
        return 1


def reached(key: str, *, limit: int) -> bool:
    """Whether the current window already holds `limit` events (without counting one)."""
    return (cache.get(key) or 0) >= limit
