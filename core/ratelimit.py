"""One rate-limit counter for every app: a number of events per key within a window.

Counted in Django's cache, so every process sharing it (Redis in production) sees the same
count. The window starts with the first event and is not extended by the next ones.
"""

from dataclasses import dataclass
from types import ModuleType

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


@dataclass(frozen=True)
class PerAddress:
    """A public form's limit per client address: `scope` names the counter, and the app's
    conf module (with get()) gives the limit and the window by the settings' names."""

    scope: str
    conf: ModuleType
    limit_setting: str
    window_setting: str

    def key(self, ip: str | None) -> str:
        return f"{self.scope}:rate:{ip or 'unknown'}"

    def reached(self, ip: str | None) -> bool:
        return reached(self.key(ip), limit=self.conf.get(self.limit_setting))

    def count(self, ip: str | None) -> int:
        return count(self.key(ip), window=self.conf.get(self.window_setting))
