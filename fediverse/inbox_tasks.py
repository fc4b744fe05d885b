"""The inbox's second half, in the worker: check the signature of a received activity (the
sender's key fetched if we do not hold a fresh one, and once more if it fails: keys rotate),
count the activity against the rate of the server that signed it (here, once verified: a keyId
can name any server), check that the signer is the activity's actor and is not blocked, then
act on it."""

import base64
import json
import logging
from datetime import timedelta

from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from core import ratelimit
from core.signals import worker_started
from fediverse import activities, conf, fetcher, keys, remote, services
from fediverse.models import InboxItem, RemoteActor

logger = logging.getLogger(__name__)

# Received activities are kept this long after they were handled (for the admin's record).
KEEP_HANDLED_DAYS = 7


class Refused(Exception):
    pass


def _verified_sender(item: InboxItem) -> RemoteActor:
    signature = base64.b64decode(item.signature)
    data = item.signed_text.encode()
    kept = remote.kept_key_owner(item.key_id)
    if kept is not None and keys.verify(kept.public_key_pem, signature, data):
        return kept
    try:
        fetched = remote.fetch_key_owner(item.key_id)
    except fetcher.FetchError as error:
        raise Refused(f"key not fetched: {error}") from error
    if not keys.verify(fetched.public_key_pem, signature, data):
        raise Refused("bad signature")
    return fetched


def _check(item: InboxItem) -> tuple[RemoteActor, dict]:
    activity = json.loads(item.body)
    sender = _verified_sender(item)
    if not _within_server_rate(sender.domain):
        raise Refused("too many activities from this server")
    if activity.get("actor") != sender.uri and not (
        isinstance(activity.get("actor"), dict) and activity["actor"].get("id") == sender.uri
    ):
        raise Refused("the signer is not the activity's actor")
    if sender.blocked or services.is_domain_blocked(sender.domain):
        raise Refused("blocked")
    return sender, activity


def _within_server_rate(domain: str) -> bool:
    """Count one activity for the server whose key verified it (only now is it known to have
    sent it); over the limit, the activity is dropped and the inbox answers that server 429
    until its window ends."""
    used = ratelimit.count(server_rate_key(domain), window=conf.get("FEDIVERSE_INBOX_RATE_WINDOW"))
    return used <= conf.get("FEDIVERSE_INBOX_RATE_LIMIT")


def server_rate_key(domain: str) -> str:
    """The counter of a server's verified activities (the inbox reads it, this task counts)."""
    return f"fediverse:inbox:server:{domain}"


@task()
def process_inbox_item(item_id: int) -> str:
    item = InboxItem.objects.filter(pk=item_id, status=InboxItem.Status.RECEIVED).first()
    if item is None:
        return "skipped"
    try:
        sender, activity = _check(item)
    except Refused as refusal:
        return _record(item, InboxItem.Status.REFUSED, str(refusal))
    try:
        outcome = activities.handle(sender, activity)
    except Exception as error:  # a payload no handler foresaw: recorded, not retried forever
        logger.exception("Fediverse activity %s could not be handled", item.pk)
        return _record(item, InboxItem.Status.REFUSED, f"refused: error {type(error).__name__}")
    status = InboxItem.Status.REFUSED if outcome.startswith("refused") else InboxItem.Status.DONE
    return _record(item, status, outcome)


def _record(item: InboxItem, status: str, outcome: str) -> str:
    item.status = status
    item.outcome = outcome[:300]
    item.save(update_fields=["status", "outcome", "updated"])
    if status == InboxItem.Status.REFUSED:
        logger.info("Fediverse activity %s from %s refused: %s", item.pk, item.domain, outcome)
    return outcome


def inbox_tidy() -> tuple[int, int]:
    """What a starting worker does: queue again the activities no task took (a task lost with
    a backend that keeps none), and forget handled ones older than KEEP_HANDLED_DAYS.
    Returns (queued again, forgotten)."""
    now = timezone.now()
    waiting = InboxItem.objects.filter(
        status=InboxItem.Status.RECEIVED, created__lt=now - timedelta(minutes=1)
    ).values_list("pk", flat=True)
    queued = 0
    for pk in waiting.iterator():
        process_inbox_item.enqueue(pk)
        queued += 1
    forgotten, _ = (
        InboxItem.objects.exclude(status=InboxItem.Status.RECEIVED)
        .filter(created__lt=now - timedelta(days=KEEP_HANDLED_DAYS))
        .delete()
    )
    return queued, forgotten


@receiver(worker_started, dispatch_uid="fediverse.inbox_tidy")
def _tidy_on_worker_start(sender, **kwargs):
    queued, forgotten = inbox_tidy()
    if queued or forgotten:
        logger.info("Fediverse inbox: %s queued again, %s old records forgotten", queued, forgotten)
