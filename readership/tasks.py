"""The fold, every minute, in the worker (`manage.py worker`).

django.tasks has no periodic tasks: each run enqueues the next one for the start of the next
period before folding (so a fold that fails or is killed does not end the chain), and every
worker that starts enqueues one too. A slot in the shared cache lets only one task be queued
per period, however many workers there are; a duplicate would do no harm anyway (folds wait for
each other on the fold mark, and an empty fold does nothing).
"""

import logging
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from core.signals import worker_started
from readership import fold
from readership.conf import setting
from readership.counting import PREFIX

logger = logging.getLogger(__name__)


def schedule_next_fold(now: datetime | None = None) -> bool:
    """Queue the fold for the start of the next period, unless one is queued already."""
    backend = fold_counts.get_backend()
    if not backend.supports_defer:
        return False
    period = setting("READERSHIP_FOLD_SECONDS")
    now = now or timezone.now()
    slot = int(now.timestamp()) // period + 1
    if not cache.add(f"{PREFIX}fold-slot:{slot}", 1, timeout=period * 3):
        return False
    run_after = datetime.fromtimestamp(slot * period, tz=UTC) + timedelta(seconds=1)
    fold_counts.using(run_after=run_after).enqueue()
    return True


@task()
def fold_counts() -> int:
    schedule_next_fold()
    folded = fold.fold()
    if folded:
        logger.info("Readership: %s events folded", folded)
    return folded


@receiver(worker_started, dispatch_uid="readership.start_folding")
def _start_folding(sender, **kwargs):
    schedule_next_fold()
