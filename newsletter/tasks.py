"""The newsletter's background tasks (run by `manage.py worker`; see newsletter.delivery).

newsletter.delivery does the work of each step and says what comes next (a Step); the queue is
this module's: it enqueues the next links of a chain, and what a restarted worker resumes.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone, translation

from core.signals import worker_started
from newsletter import delivery

logger = logging.getLogger(__name__)


# Notes written on issues and deliveries are in the site's language, whatever the worker's.


@task
def start_issue(issue_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _continue(issue_id, delivery.start_issue(issue_id))


@task
def deliver_batch(issue_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _continue(issue_id, delivery.deliver_batch(issue_id))


def _continue(issue_id: int, step: delivery.Step) -> str:
    for _ in range(step.batches):
        enqueue_batch(issue_id, delay=step.delay)
    return step.outcome


def enqueue_batch(issue_id: int, *, delay: float | None = None) -> None:
    """One more link of an issue's sending chain, now or after `delay` seconds."""
    batch = deliver_batch
    if delay is not None:
        if not batch.get_backend().supports_defer:
            return  # picked up again when a worker starts (resume_sending)
        batch = batch.using(run_after=timezone.now() + timedelta(seconds=delay))
    batch.enqueue(issue_id)


def resume_sending() -> int:
    """After a worker (re)starts: a chain for every issue still sending, and a start for every
    scheduled issue long overdue (their tasks may have died with a worker)."""
    sending, overdue = delivery.to_resume()
    for pk in sending:
        enqueue_batch(pk)
    for pk in overdue:
        start_issue.enqueue(pk)
    return len(sending) + len(overdue)


@receiver(worker_started, dispatch_uid="newsletter.resume_sending")
def _resume_on_worker_start(sender, **kwargs):
    resumed = resume_sending()
    if resumed:
        logger.info("Resumed %s newsletter issues", resumed)
