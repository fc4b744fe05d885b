"""Counting in the shared cache only: what the beacon does, with no database.

Every counted view or scroll is an *event*: a number taken from one counter (`incr`) and a
short line kept under that number. The worker folds events into daily rows in the order of
their numbers and records the last number folded in the same transaction as the rows
(readership.fold), so a fold killed half-way is simply done again.

A visitor is never stored. Their address, user agent and the site's host go through a keyed
hash (BLAKE2b) with the day's secret, a random value kept in the cache until the day ends and
then dropped: the hash says "seen today" for one day and can be linked to nobody, not even by
us, once the secret is gone. What the cache keeps for it ("seen this object today") expires
with the day as well. This is the method Plausible and Ghost document.
"""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from readership.conf import SITE, setting

PREFIX = "readership:"
SEQUENCE = PREFIX + "seq"
FIELD_SEPARATOR = "\t"
VIEW = "v"
SCROLL = "s"
# Past the end of the day a key lives this long, for a view that began just before midnight.
GRACE_SECONDS = 120


def event_key(number: int) -> str:
    return f"{PREFIX}event:{number}"


def salt_key(day: date) -> str:
    return f"{PREFIX}salt:{day.isoformat()}"


def seconds_left_today(now: datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
    return int((midnight - now).total_seconds()) + GRACE_SECONDS


def daily_salt(day: date) -> str:
    """Today's secret: made by the first beacon of the day, gone from the cache after it."""
    key = salt_key(day)
    salt = cache.get(key)
    if salt is None:
        cache.add(key, secrets.token_hex(32), timeout=seconds_left_today())
        salt = cache.get(key)
    return salt


def visitor_digest(*, day: date, address: str, user_agent: str, host: str) -> str:
    """Who is reading today, as a keyed hash nobody can turn back into an address."""
    key = bytes.fromhex(daily_salt(day))
    message = "\n".join((address, user_agent, host)).encode()
    return hashlib.blake2b(message, key=key, digest_size=16).hexdigest()


def first_time_today(day: date, target: str, digest: str) -> bool:
    """True the first time this visitor reads `target` (or, for SITE, anything) today."""
    return cache.add(
        f"{PREFIX}seen:{day.isoformat()}:{target}:{digest}", 1, timeout=seconds_left_today()
    )


def _append(fields: tuple) -> None:
    cache.add(SEQUENCE, 0, timeout=None)
    number = cache.incr(SEQUENCE)
    line = FIELD_SEPARATOR.join(str(field) for field in fields)
    cache.set(event_key(number), line, timeout=setting("READERSHIP_EVENT_SECONDS"))


def record_view(
    *, kind: str, object_id: int, digest: str, referrer: str = "", term: str = "", day=None
) -> None:
    day = day or timezone.localdate()
    new_here = first_time_today(day, f"{kind}:{object_id}", digest)
    new_on_site = first_time_today(day, SITE, digest)
    _append(
        (VIEW, day.isoformat(), kind, object_id, int(new_here), int(new_on_site), referrer, term)
    )


def record_scroll(*, kind: str, object_id: int, quarter: int, day=None) -> None:
    day = day or timezone.localdate()
    _append((SCROLL, day.isoformat(), kind, object_id, quarter))


def parse_event(line: str) -> tuple | None:
    """An event line back as a tuple, or None for one this version cannot read."""
    fields = line.split(FIELD_SEPARATOR)
    try:
        day = date.fromisoformat(fields[1])
        if fields[0] == VIEW and len(fields) == 8:
            _, _, kind, object_id, new_here, new_on_site, referrer, term = fields
            return (VIEW, day, kind, int(object_id), new_here == "1", new_on_site == "1",
                    referrer, term)  # fmt: skip
        if fields[0] == SCROLL and len(fields) == 5:
            return (SCROLL, day, fields[2], int(fields[3]), int(fields[4]))
    except (IndexError, ValueError):
        return None
    return None
