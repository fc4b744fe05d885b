"""One rate-limit counter for every app: a number of events per key within a window.

Counted in Django's cache, so every process sharing it (Redis in production) sees the same
count. The window starts with the first event and is not extended by the next ones.

Two limits every public form that makes us send mail applies: PerAddress (how often one client
address may use the form) and PerMailbox (how much mail one mailbox gets from the form, across
the whole site, whoever asks from wherever). The mailbox cap is silent: the form answers the
same whether the mail went out or not (DESIGN.md, invariant 8).
"""

from dataclasses import dataclass
from types import ModuleType

from django.core.cache import cache
from django.utils.crypto import salted_hmac


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

    def allow(self, ip: str | None) -> bool:
        """Count one use; whether it is still within the limit (for a silent limit, such as
        the mail a comment makes us send: the comment is taken either way)."""
        return self.count(ip) <= self.conf.get(self.limit_setting)


def mailbox_of(address: str) -> str:
    """The mailbox an address delivers to, as far as we can tell without asking its server:
    case folded and a `+tag` dropped from the local part (`Ada+1@X.org` and `ada+2@x.org` both
    reach `ada@x.org`). Only for counting: mail still goes to the address as typed."""
    address = (address or "").strip().casefold()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local.split('+', 1)[0]}@{domain}"


@dataclass(frozen=True)
class PerMailbox:
    """A cap on the mail one form sends to one mailbox across the whole site (every article,
    every client address): `scope` names the counter, and the app's conf module gives the number
    of messages and the window by the settings' names. The key is a keyed hash of the mailbox:
    no address is written into the cache."""

    scope: str
    conf: ModuleType
    limit_setting: str
    window_setting: str

    def key(self, address: str) -> str:
        digest = salted_hmac("core.ratelimit.mailbox", mailbox_of(address), algorithm="sha256")
        return f"{self.scope}:mailbox:{digest.hexdigest()}"

    def allow(self, address: str) -> bool:
        """Count one message to the address's mailbox; whether it may go out (False once the
        mailbox has had its share for the window: send nothing, answer the same)."""
        sent = count(self.key(address), window=self.conf.get(self.window_setting))
        return sent <= self.conf.get(self.limit_setting)
