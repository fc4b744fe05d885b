"""Folding the cache's events into daily rows (readership.counting wrote them).

One transaction per batch: lock the fold mark, read the events after it, add their sums to the
daily rows, move the mark. Killed before the commit, nothing moved and the events are still in
the cache: the next fold counts them once. Killed after it, the events are behind the mark and
are never counted again (they expire from the cache). Two workers folding at once wait for each
other on the mark.
"""

import logging
import time
from collections import Counter, defaultdict
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from blog.models import Article
from readership import counting
from readership.conf import GROUPS, KIND_MODELS, SITE, setting
from readership.models import DailyCount, DailyReferrer, DailySearchTerm, FoldMark

logger = logging.getLogger(__name__)

MARK = "events"
COUNT_FIELDS = ("views", "visitors", "read_quarter", "read_half", "read_three_quarters", "read_all")
QUARTER_FIELDS = COUNT_FIELDS[2:]
# A number taken by a beacon whose line is not written yet: looked for again once, this later.
IN_FLIGHT_WAIT = 0.2


class Sums:
    """What a batch of events adds to each daily row. A view's visitor is new for a page (and
    for the site) unless the cache has seen them there that day: looked up for the whole batch
    at once, and written back for the whole batch (`first_visits`), so the beacon itself needs
    no more than to append its event."""

    def __init__(self, events: list):
        self.counts = defaultdict(Counter)
        self.referrers = Counter()
        self.terms = Counter()
        wanted = {key for event in events for key in _seen_keys(event)}
        already = cache.get_many(list(wanted))
        self.first_visits: dict = {}
        self._unseen = {key for key in wanted if key not in already}
        for event in events:
            self.add(event)

    def _first_visit(self, key: str, day) -> int:
        if key not in self._unseen:
            return 0
        self._unseen.discard(key)
        self.first_visits.setdefault(day, []).append(key)
        return 1

    def add(self, event: tuple) -> None:
        if event[0] == counting.VIEW:
            _, day, kind, object_id, _digest, referrer, term = event
            here, site = _seen_keys(event)
            self.counts[(day, kind, object_id)].update(
                views=1, visitors=self._first_visit(here, day)
            )
            self.counts[(day, SITE, 0)].update(views=1, visitors=self._first_visit(site, day))
            if referrer:
                self.referrers[(day, referrer)] += 1
            if term:
                self.terms[(day, term)] += 1
        else:
            _, day, kind, object_id, quarter = event
            self.counts[(day, kind, object_id)][QUARTER_FIELDS[quarter - 1]] += 1
            if kind == "article":
                self.counts[(day, SITE, 0)][QUARTER_FIELDS[quarter - 1]] += 1


def _seen_keys(event: tuple) -> tuple[str, ...]:
    if event[0] != counting.VIEW:
        return ()
    _, day, kind, object_id, digest = event[:5]
    return (
        counting.seen_key(day, f"{kind}:{object_id}", digest),
        counting.seen_key(day, SITE, digest),
    )


def _remember_visitors(first_visits: dict) -> None:
    for day, keys in first_visits.items():
        cache.set_many(dict.fromkeys(keys, 1), timeout=counting.seen_seconds(day))


def _read_events(first: int, last: int) -> tuple[list, list[str]]:
    keys = [counting.event_key(number) for number in range(first, last + 1)]
    lines = cache.get_many(keys)
    missing = [key for key in keys if key not in lines]
    if missing:
        time.sleep(IN_FLIGHT_WAIT)
        lines.update(cache.get_many(missing))
        lost = len(keys) - len(lines)
        if lost:
            logger.warning("Readership: %s events were gone from the cache, not counted", lost)
    events = [counting.parse_event(line) for line in lines.values()]
    return [event for event in events if event is not None], keys


def _existing(counts: dict) -> tuple[set, dict]:
    """The (kind, id) pairs that name a row of ours (forged ids are not folded), and each
    article's (author, category) ids for the group rows."""
    wanted = defaultdict(set)
    for _, kind, object_id in counts:
        if kind in KIND_MODELS:
            wanted[kind].add(object_id)
    found = set()
    articles = {}
    for kind, ids in wanted.items():
        if kind == "article":
            rows = Article.objects.filter(pk__in=ids).values_list("pk", "author_id", "category_id")
            articles = {pk: (author, category) for pk, author, category in rows}
            found.update(("article", pk) for pk in articles)
            continue
        model = apps.get_model(KIND_MODELS[kind])
        found.update(
            (kind, pk) for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True)
        )
    return found, articles


def _group_sums(counts: dict, articles: dict) -> dict:
    """Article views added up per author and per category, a row a day for each."""
    groups = defaultdict(Counter)
    for (day, kind, object_id), sums in counts.items():
        if kind != "article" or object_id not in articles or not sums.get("views"):
            continue
        author, category = articles[object_id]
        for grouping, group_id in (("author", author), ("category", category)):
            if group_id is not None:
                groups[(day, GROUPS[grouping], group_id)]["views"] += sums["views"]
    return groups


def _add(model, lookup: dict, sums: dict) -> None:
    updated = model.objects.filter(**lookup).update(
        **{field: F(field) + value for field, value in sums.items()}
    )
    if not updated:
        model.objects.create(**lookup, **sums)


def _write(sums: Sums) -> None:
    existing, articles = _existing(sums.counts)
    for (day, kind, object_id), counts in sums.counts.items():
        if kind in KIND_MODELS and (kind, object_id) not in existing:
            continue
        _add(DailyCount, {"day": day, "kind": kind, "object_id": object_id}, dict(counts))
    for (day, kind, object_id), counts in _group_sums(sums.counts, articles).items():
        _add(DailyCount, {"day": day, "kind": kind, "object_id": object_id}, dict(counts))
    for (day, domain), views in sums.referrers.items():
        _add(DailyReferrer, {"day": day, "domain": domain}, {"views": views})
    for (day, term), searches in sums.terms.items():
        _add(DailySearchTerm, {"day": day, "term": term}, {"searches": searches})


def fold_batch() -> tuple[int, bool]:
    """Fold one batch; returns (events folded, whether more are waiting)."""
    FoldMark.objects.get_or_create(name=MARK)
    with transaction.atomic():
        mark = FoldMark.objects.select_for_update().get(name=MARK)
        newest = cache.get(counting.SEQUENCE) or 0
        # The cache was emptied (a restart of a cache without persistence): numbers start again.
        after = mark.last_event if mark.last_event <= newest else 0
        last = min(newest, after + setting("READERSHIP_FOLD_BATCH"))
        if last <= after:
            return 0, False
        events, keys = _read_events(after + 1, last)
        sums = Sums(events)
        _write(sums)
        _remember_visitors(sums.first_visits)
        mark.last_event = last
        mark.save(update_fields=["last_event"])
    cache.delete_many(keys)
    return len(events), last < newest


def forget_past_days() -> None:
    """The secrets of days gone by are deleted (they also expire by themselves)."""
    today = timezone.localdate()
    cache.delete_many([counting.salt_key(today - timedelta(days=ago)) for ago in range(1, 8)])


def fold() -> int:
    """Fold every waiting event; returns how many were folded."""
    total, more = fold_batch()
    while more:
        folded, more = fold_batch()
        total += folded
    forget_past_days()
    return total
