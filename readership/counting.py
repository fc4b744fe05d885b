"""Counting in the shared cache only: what the beacon does, with no database.

Every counted view or scroll is an *event*: a number taken from one counter (`incr`) and a
short line kept under that number. The worker folds events into daily rows in the order of
their numbers and records the last number folded in the same transaction as the rows
(readership.fold), so a fold killed half-way is simply done again.

A visitor is never stored. Their address, user agent and the site's host go through a keyed
hash (BLAKE2b) with the day's secret, a random value kept in the cache until the day ends and
then dropped: the hash says "seen today" for one day and can be linked to nobody, not even by
us, once the secret is gone. The hash travels in the event; the fold decides whether the
visitor is new to the page and to the site, and what the cache keeps for that ("seen here
today") expires an hour after the day. This is the method Plausible and Ghost document.

On Redis (Django's RedisCache) a beacon costs one round trip: a script takes the number and
writes the line in one call (`RedisEvents`), in the cache's own key and value formats, so the fold
reads the events through the cache API like any other. On another cache it costs two or three
(`incr`, then `set`).
"""

import hashlib
import pickle
import secrets
import time as _time
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from readership.conf import setting

PREFIX = "readership:"
SEQUENCE = PREFIX + "seq"
FIELD_SEPARATOR = "\t"
VIEW = "v"
SCROLL = "s"
# Past the end of the day the secret lives this long, for a view that began just before midnight.
GRACE_SECONDS = 120
# ... and who was seen that day this long, so the day's last events are folded against it.
SEEN_GRACE_SECONDS = 3600


def event_key(number: int) -> str:
    return f"{PREFIX}event:{number}"


def salt_key(day: date) -> str:
    return f"{PREFIX}salt:{day.isoformat()}"


def seconds_left_today(now: datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
    return int((midnight - now).total_seconds()) + GRACE_SECONDS


# This process's copy of today's secret, so most beacons need no round trip to the cache for
# it. Every process must hash with the same secret: the copy is checked against the cache every
# RECHECK_SECONDS (an emptied cache gets a new one) and dropped when the day changes.
RECHECK_SECONDS = 30
_salt_copy: dict[date, tuple[str, float]] = {}


def daily_salt(day: date) -> str:
    """Today's secret: made by the first beacon of the day, gone from the cache after it."""
    copy = _salt_copy.get(day)
    if copy is not None and copy[1] > _time.monotonic():
        return copy[0]
    key = salt_key(day)
    salt = cache.get(key)
    if salt is None:
        cache.add(key, secrets.token_hex(32), timeout=seconds_left_today())
        salt = cache.get(key)
    _salt_copy.clear()
    _salt_copy[day] = (salt, _time.monotonic() + RECHECK_SECONDS)
    return salt


def forget_salt_copy() -> None:
    _salt_copy.clear()


def visitor_digest(*, day: date, address: str, user_agent: str, host: str) -> str:
    """Who is reading today, as a keyed hash nobody can turn back into an address."""
    key = bytes.fromhex(daily_salt(day))
    message = "\n".join((address, user_agent, host)).encode()
    return hashlib.blake2b(message, key=key, digest_size=16).hexdigest()


def seen_key(day: date, target: str, digest: str) -> str:
    """Present while `digest` has been counted as a visitor of `target` (or of SITE) on `day`;
    the fold writes it, and it lasts as long as the day and its last folds."""
    return f"{PREFIX}seen:{day.isoformat()}:{target}:{digest}"


def seen_seconds(day: date, now: datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=now.tzinfo)
    return max(int((midnight - now).total_seconds()), 0) + SEEN_GRACE_SECONDS


def _next_number() -> int:
    try:
        return cache.incr(SEQUENCE)
    except ValueError:  # the first event ever, or the cache was emptied
        cache.add(SEQUENCE, 0, timeout=None)
        return cache.incr(SEQUENCE)


class RedisEvents:
    """Appends an event to Redis in one round trip: INCR of the sequence and SET of the line,
    run by Redis as one script. Keys are the cache's own (`cache.make_key`) and the line is
    pickled as Django's RedisSerializer pickles a string, so `cache.get_many` reads it back."""

    SCRIPT = """
local number = redis.call('INCR', KEYS[1])
redis.call('SET', ARGV[1] .. number, ARGV[2], 'EX', ARGV[3])
return number
"""

    def __init__(self, location: str):
        import redis

        self.sequence = cache.make_key(SEQUENCE)
        self.event_prefix = cache.make_key(event_key(0))[:-1]
        self.script = redis.Redis.from_url(location).register_script(self.SCRIPT)

    @classmethod
    def for_default_cache(cls):
        """For Django's RedisCache with its own key function; None for any other cache (or a
        key function whose keys are not the event's number after a fixed prefix)."""
        if not isinstance(caches["default"], RedisCache):
            return None
        if cache.make_key(event_key(12345)) != cache.make_key(event_key(0))[:-1] + "12345":
            return None
        location = settings.CACHES["default"]["LOCATION"]
        # With several servers, Django's RedisCache writes to the first.
        if not isinstance(location, str):
            location = location[0]
        return cls(location.split(",")[0])

    def append(self, line: str, timeout: int) -> int:
        value = pickle.dumps(line, pickle.HIGHEST_PROTOCOL)
        return self.script(keys=[self.sequence], args=[self.event_prefix, value, timeout])


# This process's writer, made at its first event (None: the cache is not Redis).
_writer: list = []


def forget_writer() -> None:
    _writer.clear()


def _append(fields: tuple) -> None:
    line = FIELD_SEPARATOR.join(str(field) for field in fields)
    timeout = setting("READERSHIP_EVENT_SECONDS")
    if not _writer:
        _writer.append(RedisEvents.for_default_cache())
    if _writer[0] is not None:
        _writer[0].append(line, timeout)
        return
    number = _next_number()
    cache.set(event_key(number), line, timeout=timeout)


def record_view(
    *, kind: str, object_id: int, digest: str, referrer: str = "", term: str = "", day=None
) -> None:
    day = day or timezone.localdate()
    _append((VIEW, day.isoformat(), kind, object_id, digest, referrer, term))


def record_scroll(*, kind: str, object_id: int, quarter: int, day=None) -> None:
    day = day or timezone.localdate()
    _append((SCROLL, day.isoformat(), kind, object_id, quarter))


def parse_event(line: str) -> tuple | None:
    """An event line back as a tuple, or None for one this version cannot read."""
    fields = line.split(FIELD_SEPARATOR)
    try:
        day = date.fromisoformat(fields[1])
        if fields[0] == VIEW and len(fields) == 7:
            _, _, kind, object_id, digest, referrer, term = fields
            return (VIEW, day, kind, int(object_id), digest, referrer, term)
        if fields[0] == SCROLL and len(fields) == 5:
            return (SCROLL, day, fields[2], int(fields[3]), int(fields[4]))
    except (IndexError, ValueError):
        return None
    return None
