"""Background tasks every app shares: sending one queued email, with retries.

A task runs in a worker (`manage.py worker`, see the README) through Django's Tasks framework;
the default backend keeps the queue in the database (django-tasks-db), so a fresh clone needs no
other service. Retries are ours: django.tasks does not retry, so a failed attempt re-enqueues the
task with run_after set to a growing delay (EMAIL_RETRY_DELAY doubled each time, at most
EMAIL_RETRY_MAX_DELAY), up to EMAIL_MAX_ATTEMPTS, and the OutgoingEmail row keeps the record.
"""

import logging
from datetime import timedelta

from django.core.mail import mailers
from django.db.models import F, Q
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from core import conf, mail_data
from core.models import OutgoingEmail
from core.signals import worker_started

logger = logging.getLogger(__name__)

# Transactional email goes ahead of newsletter batches waiting in the same queue.
EMAIL_PRIORITY = 50


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts."""
    seconds = conf.get("EMAIL_RETRY_DELAY") * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.get("EMAIL_RETRY_MAX_DELAY")))


def _stale_claim(now) -> Q:
    """A send a worker claimed and never finished (it was killed): anyone may take it."""
    stale = now - timedelta(seconds=conf.get("EMAIL_CLAIM_TIMEOUT"))
    return Q(status=OutgoingEmail.Status.SENDING, claimed_at__lt=stale)


def _claim(pk: int) -> OutgoingEmail | None:
    """Take the email for this attempt, unless another worker has it or it is done."""
    now = timezone.now()
    claimable = Q(status=OutgoingEmail.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    claimable |= _stale_claim(now)
    claimed = (
        OutgoingEmail.objects.filter(claimable, pk=pk).update(
            status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )
    return OutgoingEmail.objects.get(pk=pk) if claimed else None


@task(priority=EMAIL_PRIORITY)
def send_queued_email(email_id: int) -> str:
    """Send one OutgoingEmail through its mailer; returns what happened, for the task record."""
    outgoing = _claim(email_id)
    if outgoing is None:
        return "skipped"
    try:
        message = mail_data.message_from_data(outgoing.message)
        with mailers[outgoing.mailer] as connection:
            connection.send_messages([message])
    except Exception as error:
        return _failed(outgoing, error)
    outgoing.status = OutgoingEmail.Status.SENT
    outgoing.sent_at = timezone.now()
    outgoing.last_error = ""
    outgoing.save(update_fields=["status", "sent_at", "last_error", "updated"])
    return "sent"


def enqueue_send(pk: int, *, run_after=None) -> bool:
    """Hand one stored email to the task queue; False if the backend cannot defer (it waits
    for resume_outgoing, run whenever a worker starts)."""
    task = send_queued_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(pk)
    return True


def _failed(outgoing: OutgoingEmail, error: Exception) -> str:
    outgoing.last_error = mail_data.describe(error)
    if mail_data.is_permanent(error) or outgoing.attempts >= conf.get("EMAIL_MAX_ATTEMPTS"):
        outgoing.status = OutgoingEmail.Status.FAILED
        outgoing.next_attempt_at = None
        outgoing.save(update_fields=["status", "next_attempt_at", "last_error", "updated"])
        logger.error("Email %s failed for good: %s", outgoing.pk, outgoing.last_error)
        return "failed"
    outgoing.status = OutgoingEmail.Status.QUEUED
    outgoing.next_attempt_at = timezone.now() + retry_delay(outgoing.attempts)
    outgoing.save(update_fields=["status", "next_attempt_at", "last_error", "updated"])
    logger.warning(
        "Email %s not sent (attempt %s), retrying at %s: %s",
        outgoing.pk,
        outgoing.attempts,
        outgoing.next_attempt_at.isoformat(),
        outgoing.last_error,
    )
    enqueue_send(outgoing.pk, run_after=outgoing.next_attempt_at)
    return "retrying"


def email_retry(*, pks) -> int:
    """Send failed emails again (the admin's action), from a fresh count of attempts."""
    rows = list(
        OutgoingEmail.objects.filter(pk__in=pks, status=OutgoingEmail.Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    OutgoingEmail.objects.filter(pk__in=rows).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=None, updated=timezone.now()
    )
    for pk in rows:
        enqueue_send(pk)
    return len(rows)


def resume_outgoing() -> int:
    """Enqueue again what no task will pick up any more: sends a killed worker left claimed,
    and retries a backend without deferred tasks could not schedule. A task for an email that
    is already taken or sent does nothing, so enqueueing one too many is harmless."""
    now = timezone.now()
    due = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now) | _stale_claim(now)
    ).values_list("pk", flat=True)
    count = 0
    for pk in due.iterator():
        enqueue_send(pk)
        count += 1
    return count


@receiver(worker_started, dispatch_uid="core.resume_outgoing")
def _resume_on_worker_start(sender, **kwargs):
    resumed = resume_outgoing()
    if resumed:
        logger.info("Resumed %s queued emails", resumed)
