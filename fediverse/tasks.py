"""Deliveries, in the worker: one task per Delivery row, claimed so it is sent once, signed
in the scheme the server takes (fediverse.outgoing: RFC 9421, else draft-cavage), retried
with growing delays (FEDIVERSE_DELIVERY_RETRY_DELAY doubled each time, capped) when the peer is
down, recorded as failed when it refuses for good or after the last attempt."""

import json
import logging
from datetime import timedelta

from django.db.models import F, Q
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from core.signals import worker_started
from fediverse import conf, fetcher, outgoing
from fediverse.models import Delivery

logger = logging.getLogger(__name__)

# Answers after which trying again cannot help.
PERMANENT = {400, 401, 403, 404, 405, 410, 413, 422}


def retry_delay(attempts: int) -> timedelta:
    seconds = conf.get("FEDIVERSE_DELIVERY_RETRY_DELAY") * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.get("FEDIVERSE_DELIVERY_RETRY_MAX_DELAY")))


def _stale_claim(now) -> Q:
    stale = now - timedelta(seconds=conf.get("FEDIVERSE_DELIVERY_CLAIM_TIMEOUT"))
    return Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)


def _claim(pk: int) -> Delivery | None:
    now = timezone.now()
    claimable = Q(status=Delivery.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    claimed = Delivery.objects.filter(claimable | _stale_claim(now), pk=pk).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("actor").get(pk=pk)


def _post(delivery: Delivery) -> fetcher.Response:
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    return outgoing.request(
        "POST",
        delivery.inbox,
        actor=delivery.actor,
        headers={"Content-Type": "application/activity+json"},
        body=body,
    )


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery; returns what happened, for the task record."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    if not delivery.actor.enabled:
        return _finish(delivery, Delivery.Status.FAILED, "the sender was switched off")
    try:
        response = _post(delivery)
    except fetcher.RefusedAddress as error:
        return _finish(delivery, Delivery.Status.FAILED, str(error))
    except fetcher.FetchError as error:
        return _retry(delivery, str(error))
    if 200 <= response.status < 300:
        delivery.sent_at = timezone.now()
        return _finish(delivery, Delivery.Status.SENT, "")
    if response.status in PERMANENT:
        return _finish(delivery, Delivery.Status.FAILED, f"answered {response.status}")
    return _retry(delivery, f"answered {response.status}")


def _finish(delivery: Delivery, status: str, error: str) -> str:
    delivery.status = status
    delivery.last_error = error[:500]
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "sent_at", "updated"])
    return status


def _retry(delivery: Delivery, error: str) -> str:
    if delivery.attempts >= conf.get("FEDIVERSE_DELIVERY_MAX_ATTEMPTS"):
        logger.warning("Delivery %s failed for good: %s", delivery.pk, error)
        return _finish(delivery, Delivery.Status.FAILED, error)
    delivery.status = Delivery.Status.QUEUED
    delivery.last_error = error[:500]
    delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "updated"])
    enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    return "retrying"


def enqueue(pk: int, *, run_after=None) -> bool:
    """Hand one delivery to the queue; False if the backend cannot defer (the worker's start
    resumes it)."""
    job = deliver
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return False
        job = job.using(run_after=run_after)
    job.enqueue(pk)
    return True


def resume_deliveries() -> int:
    """Queue again the deliveries no task will pick up: retries that could not be deferred and
    sends a killed worker left claimed. A task for a delivery already taken does nothing."""
    now = timezone.now()
    due = Delivery.objects.filter(
        Q(status=Delivery.Status.QUEUED, next_attempt_at__lte=now) | _stale_claim(now)
    ).values_list("pk", flat=True)
    count = 0
    for pk in due.iterator():
        enqueue(pk)
        count += 1
    return count


@receiver(worker_started, dispatch_uid="fediverse.resume_deliveries")
def _resume_on_worker_start(sender, **kwargs):
    resumed = resume_deliveries()
    if resumed:
        logger.info("Resumed %s fediverse deliveries", resumed)
