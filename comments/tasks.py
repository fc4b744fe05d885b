"""Background work of the comments app, for django.tasks (the worker runs them)."""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from comments import conf, following, section_desks
from core.signals import worker_started

DESK_COUNT_SLOT = "comments:desk-count-slot:"


@task
def send_digests() -> int:
    """The daily digests for followers of a discussion (schedule it once a day)."""
    return following.digests_send()


def next_desk_count(now: datetime | None = None) -> datetime:
    """The next COMMENTS_DESK_COUNT_HOUR o'clock in the site's time zone, after `now`."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now).date()
    at = time(conf.get("COMMENTS_DESK_COUNT_HOUR"))
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment <= now:
        moment = datetime.combine(day + timedelta(days=1), at, tzinfo=zone)
    return moment


def schedule_desk_count(now: datetime | None = None) -> bool:
    """Queue the daily count for its next hour, unless it is queued already (a slot in the
    shared cache per day, however many workers start). django.tasks has no periodic tasks:
    each run queues the next one, and every worker that starts queues one too."""
    if not send_desk_counts.get_backend().supports_defer:
        return False
    run_after = next_desk_count(now)
    if not cache.add(f"{DESK_COUNT_SLOT}{run_after.date().isoformat()}", 1, timeout=3 * 86400):
        return False
    send_desk_counts.using(run_after=run_after).enqueue()
    return True


@task
def send_desk_counts() -> int:
    """Once a day: each moderator with a section desk gets the count of comments waiting in
    other sections (comments.section_desks)."""
    schedule_desk_count(timezone.now() + timedelta(minutes=1))
    return section_desks.desk_counts_send()


@receiver(worker_started, dispatch_uid="comments.schedule_desk_count")
def _start_desk_counts(sender, **kwargs):
    schedule_desk_count()
