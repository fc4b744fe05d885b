"""Comment hours: discussions that close at set hours (23:00 to 07:00) or days (the weekend)
and reopen by themselves.

The site's hours are in the discussion settings; a section (category) may have its own
(SectionHours), which replace them for its articles. Hours are read in the site's time zone
(TIME_ZONE) and every instant is compared in UTC, so a night that crosses a change of summer
time lasts what the clock on the wall says. Nothing has to run at a boundary: whether a
discussion is open is computed from the clock, and the article page kept whole says when it
changes by itself (comments.article_section.fresh_until), so it is retired at each boundary.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from comments import conf, discussion
from comments.models import DiscussionSettings, SectionHours
from comments.models.hours import days_of
from core import versions

SECTION_HOURS_CACHE_KEY = "comments:section-hours"
# Languages that write the names of days and months in lower case inside a sentence ("riaprono
# mercoledì 9 dicembre"); Django's catalogs give them capitalized, as for a heading.
LOWER_CASE_DATE_NAMES = ("it",)
LOOKAHEAD_DAYS = 9  # a week of closed days and a night: a change is always within this


@dataclass(frozen=True)
class Hours:
    closed_from: time | None = None
    closed_until: time | None = None
    closed_days: frozenset[int] = frozenset()  # ISO weekdays, 1 Monday … 7 Sunday

    @classmethod
    def of(cls, row) -> "Hours":
        days = days_of(row.closed_days)
        # Every day closed would never reopen: the forms refuse it, a setting cannot force it.
        return cls(row.closed_from, row.closed_until, days if len(days) < 7 else frozenset())

    @property
    def nightly(self) -> bool:
        return (
            self.closed_from is not None
            and self.closed_until is not None
            and self.closed_from != self.closed_until
        )

    @property
    def ever_closed(self) -> bool:
        return self.nightly or bool(self.closed_days)

    def closed_at(self, moment: datetime) -> bool:
        local = timezone.localtime(moment)
        if local.isoweekday() in self.closed_days:
            return True
        if not self.nightly:
            return False
        now = local.time().replace(tzinfo=None)
        if self.closed_from < self.closed_until:
            return self.closed_from <= now < self.closed_until
        return now >= self.closed_from or now < self.closed_until  # across midnight

    def _boundaries(self, around: datetime, *, forward: bool) -> list[datetime]:
        """Every instant, in UTC and in order, where the state may change, from the day before
        `around` to LOOKAHEAD_DAYS after (or as many before, to the day after): midnights,
        closing and reopening times as the wall clock shows them (both times of an hour repeated
        when summer time ends), and the changes of offset themselves (when the clock jumps past
        a time that does not exist that night, the jump is the change)."""
        zone = timezone.get_default_timezone()
        today: date = timezone.localtime(around).date()
        first = today - timedelta(days=1 if forward else LOOKAHEAD_DAYS)
        times = [time(0)] + ([self.closed_from, self.closed_until] if self.nightly else [])
        moments = set()
        for offset in range(LOOKAHEAD_DAYS + 2):
            day = first + timedelta(days=offset)
            for at in times:
                for fold in (0, 1):
                    wall = datetime.combine(day, at, tzinfo=zone).replace(fold=fold)
                    moments.add(wall.astimezone(UTC))
            moments.update(_offset_changes(day, zone))
        return sorted(moments)

    def next_change(self, moment: datetime) -> datetime | None:
        """When discussions next open (if closed at `moment`) or close (if open)."""
        if not self.ever_closed:
            return None
        moment = moment.astimezone(UTC)
        state = self.closed_at(moment)
        return next(
            (
                b
                for b in self._boundaries(moment, forward=True)
                if b > moment and self.closed_at(b) != state
            ),
            None,
        )

    def last_change(self, moment: datetime) -> datetime | None:
        """When discussions last opened or closed, at or before `moment`."""
        if not self.ever_closed:
            return None
        moment = moment.astimezone(UTC)
        state = self.closed_at(moment)
        since = None
        for boundary in reversed(self._boundaries(moment, forward=False)):
            if boundary > moment:
                continue
            if self.closed_at(boundary) != state:
                return since
            since = boundary
        return since


def _offset_changes(day: date, zone) -> list[datetime]:
    """The instant the zone's offset changes during `day`, if it does (to the second)."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    after = end.astimezone(zone).utcoffset()
    if start.astimezone(zone).utcoffset() == after:
        return []
    low, high = int(start.timestamp()), int(end.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return [datetime.fromtimestamp(high, UTC)]


def section_hours() -> dict[int, Hours]:
    """Every section's own hours by category id, kept in the shared cache (forgotten when one
    is saved or deleted: forget_section_hours)."""
    hours = cache.get(SECTION_HOURS_CACHE_KEY)
    if hours is None:
        hours = {row.category_id: Hours.of(row) for row in SectionHours.objects.all()}
        cache.set(SECTION_HOURS_CACHE_KEY, hours, timeout=None)
    return hours


def forget_section_hours() -> None:
    """A section's hours changed: every process reads them again, kept pages retire."""
    cache.delete(SECTION_HOURS_CACHE_KEY)
    versions.bump(conf.DISCUSSION_VERSION)


def hours_for(article, *, rules: DiscussionSettings | None = None) -> Hours:
    """The hours of the article's section, else the site's."""
    own = section_hours().get(article.category_id) if article.category_id else None
    return own if own is not None else Hours.of(rules or discussion.current())


def reopens_at(article, *, rules=None, now: datetime | None = None) -> datetime | None:
    """When the article's discussion reopens, if its hours close it now (else None)."""
    hours = hours_for(article, rules=rules)
    now = now or timezone.now()
    if not hours.ever_closed or not hours.closed_at(now):
        return None
    return hours.next_change(now)


def closed_message(reopening: datetime) -> str:
    """What the form says while the hours close a discussion, in the reader's language."""
    local = timezone.localtime(reopening)
    day = formats.date_format(local, "l j F")
    if (translation.get_language() or "").split("-")[0] in LOWER_CASE_DATE_NAMES:
        day = day.lower()
    return gettext("Comments are closed at this hour. They reopen on %(day)s at %(time)s.") % {
        "day": day,
        "time": formats.time_format(local, "H:i"),
    }
