"""Sending an issue, in the worker: exactly once per confirmed subscriber, however often a worker
dies on the way.

1. start_issue (a task, run at the scheduled time) creates one Delivery per confirmed
   subscriber (unique per issue and subscriber) and starts NEWSLETTER_PARALLEL_BATCHES chains.
2. deliver_batch (a task) claims up to NEWSLETTER_BATCH_SIZE queued deliveries (SELECT ... FOR
   UPDATE SKIP LOCKED on PostgreSQL, so two workers never claim the same rows), sends them over
   one SMTP connection, marks each one sent as soon as the server accepted it, then enqueues
   itself again. The chain ends when nothing is queued or claimed, and the issue is sent.
3. A worker killed mid-batch leaves its claimed rows behind: after NEWSLETTER_CLAIM_TIMEOUT
   another chain puts them back in the queue, and a worker starting up (core.signals.
   worker_started) enqueues a chain for every issue still sending. Rows already marked sent are
   never sent again; the one message a kill can interrupt between the server's "250" and our
   mark is the only one that could go twice, and it carries the same Message-ID both times.

Before each group of messages the batch reads the issue and the subscribers afresh: a cancelled
issue stops, an unsubscribed or erased subscriber is skipped, an article unpublished since the
batch began is dropped at the next batch (the issue is rendered per batch).
"""

import contextlib
import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import connection as database
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext

from core.mail_queue import describe, is_permanent
from core.smtp import send_raw_then_commit, send_then_commit
from newsletter import conf
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.rendering import RenderedIssue, issue_articles, message_id, render_issue

logger = logging.getLogger(__name__)

# Issue and subscribers are read afresh before each group of this many messages.
CHECK_EVERY = 25


class SMTPUnavailable(Exception):
    """The mail server cannot be reached: the batch stops and is tried again later."""


def enqueue_batch(issue_pk: int, *, delay: float | None = None) -> None:
    from newsletter.tasks import deliver_batch

    task = deliver_batch
    if delay is not None:
        if not task.get_backend().supports_defer:
            return  # picked up again when a worker starts (resume_sending)
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(issue_pk)


def start_issue(issue_pk: int) -> str:
    """Turn a scheduled issue that is due into deliveries, and start sending."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_pk).first()
        if issue is None or issue.status != Issue.Status.SCHEDULED:
            return "not scheduled"
        if issue.send_at is not None and issue.send_at > timezone.now():
            return "not due"
        if not issue_articles(issue) and not strip_tags(issue.intro).strip():
            issue.status = Issue.Status.CANCELLED
            issue.note = gettext(
                "Not sent: none of its articles is published any more and it has no introduction."
            )
            issue.save(update_fields=["status", "note", "updated"])
            return "empty"
        issue.recipients_count = _create_deliveries(issue)
        issue.status = Issue.Status.SENDING
        issue.started_at = timezone.now()
        issue.save(update_fields=["status", "started_at", "recipients_count", "updated"])
    for _ in range(conf.get("NEWSLETTER_PARALLEL_BATCHES")):
        enqueue_batch(issue_pk)
    return "started"


def _create_deliveries(issue: Issue, chunk: int = 5000) -> int:
    confirmed = (
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = []
    for pk in confirmed.iterator(chunk_size=chunk):
        rows.append(Delivery(issue=issue, subscriber_id=pk))
        if len(rows) >= chunk:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return Delivery.objects.filter(issue=issue).count()


def deliver_batch(issue_pk: int) -> str:
    """One link of a sending chain: claim a batch, send it, enqueue the next link."""
    issue = Issue.objects.filter(pk=issue_pk).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return "stopped"
    _release_stale_claims(issue)
    token = uuid.uuid4().hex
    claimed = _claim(issue, token)
    if not claimed:
        return _finish_or_wait(issue)
    try:
        outcome = _send(issue, claimed, token)
    except SMTPUnavailable as error:
        _release(token)
        delay = conf.get("NEWSLETTER_RETRY_DELAY")
        logger.warning(
            "Issue %s: mail server unavailable (%s), again in %ss", issue_pk, error, delay
        )
        enqueue_batch(issue_pk, delay=delay)
        return "smtp unavailable"
    except Exception:
        _release(token)
        logger.exception("Issue %s: a batch failed; it goes back to the queue", issue_pk)
        enqueue_batch(issue_pk, delay=conf.get("NEWSLETTER_RETRY_DELAY"))
        return "error"
    if outcome != "cancelled":
        enqueue_batch(issue_pk)
    return outcome


def _claim(issue: Issue, token: str) -> list[int]:
    with transaction.atomic():
        pks = list(
            Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: conf.get("NEWSLETTER_BATCH_SIZE")]
        )
        if pks:
            Delivery.objects.filter(pk__in=pks, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.CLAIMED, claimed_by=token, claimed_at=timezone.now()
            )
    return pks


def _release(token: str) -> None:
    Delivery.objects.filter(claimed_by=token, status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.QUEUED, claimed_by="", claimed_at=None
    )


def _release_stale_claims(issue: Issue) -> int:
    """Rows a dead worker claimed go back to the queue; the ones it marked sent stay sent."""
    stale = timezone.now() - timedelta(seconds=conf.get("NEWSLETTER_CLAIM_TIMEOUT"))
    released = Delivery.objects.filter(
        issue=issue, status=Delivery.Status.CLAIMED, claimed_at__lt=stale
    ).update(status=Delivery.Status.QUEUED, claimed_by="", claimed_at=None)
    if released:
        logger.warning(
            "Issue %s: %s deliveries claimed by a lost worker re-queued", issue.pk, released
        )
    return released


def _finish_or_wait(issue: Issue) -> str:
    oldest = Delivery.objects.filter(issue=issue, status=Delivery.Status.CLAIMED).aggregate(
        oldest=Min("claimed_at")
    )["oldest"]
    if oldest is not None:
        # Another batch is out; if its worker died, its rows are ours once the claim is stale.
        wait = (oldest - timezone.now()).total_seconds() + conf.get("NEWSLETTER_CLAIM_TIMEOUT")
        enqueue_batch(issue.pk, delay=max(wait, 0) + 1)
        return "waiting"
    Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, finished_at=timezone.now(), updated=timezone.now()
    )
    return "finished"


class _Batch:
    """The messages of one claimed batch, over one SMTP connection."""

    def __init__(self, issue: Issue, token: str):
        self.issue = issue
        self.token = token
        self.rendered: dict[str, RenderedIssue] = {}
        self.connection = None

    def rendering(self, language: str) -> RenderedIssue:
        if language not in self.rendered:
            self.rendered[language] = render_issue(self.issue, language=language or None)
        return self.rendered[language]

    def open(self):
        if self.connection is None:
            connection = mailers[conf.get("NEWSLETTER_MAILER")]
            try:
                connection.open()
            except (OSError, smtplib.SMTPException) as error:
                raise SMTPUnavailable(describe(error)) from error
            self.connection = connection
            prep = getattr(connection, "prep_address", None)
            self.sender = prep(settings.DEFAULT_FROM_EMAIL) if prep else ""
        return self.connection

    def drop_connection(self):
        if self.connection is not None:
            with contextlib.suppress(Exception):  # it is broken already
                self.connection.close()
            self.connection = None

    def mark(self, pk: int, status: str, note: str = "", *, attempt: bool = False) -> None:
        # claimed_by stays: a refusal at the end of DATA overwrites a "sent" (core.smtp).
        changes = {"status": status, "note": note[:300]}
        changes["sent_at"] = timezone.now() if status == Delivery.Status.SENT else None
        if attempt:
            changes["attempts"] = F("attempts") + 1
        Delivery.objects.filter(pk=pk, claimed_by=self.token).update(**changes)


def _send(issue: Issue, pks: list[int], token: str) -> str:
    batch = _Batch(issue, token)
    sent = 0
    asynchronous = conf.get("NEWSLETTER_ASYNCHRONOUS_COMMIT") and database.vendor == "postgresql"
    if asynchronous:
        with database.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    try:
        for start in range(0, len(pks), CHECK_EVERY):
            group = pks[start : start + CHECK_EVERY]
            if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).exists():
                _skip_cancelled(token)
                return "cancelled"
            sent += _send_group(batch, group)
    finally:
        batch.drop_connection()
        if asynchronous:
            with database.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
    return f"sent {sent}"


def _skip_cancelled(token: str) -> None:
    Delivery.objects.filter(claimed_by=token, status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.SKIPPED, note=gettext("Sending cancelled"), claimed_by=""
    )


def _send_group(batch: _Batch, pks: list[int]) -> int:
    # Still alive: renew the claim on what is left of the batch first, so no other worker
    # takes it for a dead one's (the claim timeout must outlast one group, CHECK_EVERY messages),
    # then send only what is still ours.
    Delivery.objects.filter(claimed_by=batch.token, status=Delivery.Status.CLAIMED).update(
        claimed_at=timezone.now()
    )
    rows = list(
        Delivery.objects.filter(pk__in=pks, claimed_by=batch.token, status=Delivery.Status.CLAIMED)
        .values_list("pk", "attempts", "subscriber_id")
        .order_by("pk")
    )
    subscribers = Subscriber.objects.in_bulk([row[2] for row in rows if row[2] is not None])
    sent = 0
    for pk, attempts, subscriber_pk in rows:
        subscriber = subscribers.get(subscriber_pk)
        sent += _send_one(batch, pk, attempts, subscriber)
    return sent


def _send_one(batch: _Batch, pk: int, attempts: int, subscriber: Subscriber | None) -> int:
    if subscriber is None:
        batch.mark(pk, Delivery.Status.SKIPPED, gettext("Subscriber erased while sending"))
        return 0
    if subscriber.status != Subscriber.Status.CONFIRMED:
        batch.mark(pk, Delivery.Status.SKIPPED, gettext("Unsubscribed while sending"))
        return 0
    try:
        validate_email(subscriber.email)
    except ValidationError:
        batch.mark(pk, Delivery.Status.FAILED, gettext("Not a valid email address"))
        return 0
    from newsletter.services import unsubscribe_url

    rendered = batch.rendering(subscriber.language)
    link, mid = unsubscribe_url(subscriber), message_id(batch.issue.pk, pk)
    connection = batch.open()
    committed = []

    def commit():
        batch.mark(pk, Delivery.Status.SENT, attempt=True)
        committed.append(True)

    try:
        # Marked sent just before the server gets the end of the message (core.smtp): a kill at
        # any moment leaves neither a duplicate nor, but for microseconds, a loss.
        smtp = getattr(connection, "connection", None)
        if isinstance(smtp, smtplib.SMTP) and subscriber.email.isascii():
            data = rendered.raw_for(to=subscriber.email, unsubscribe_url=link, message_id=mid)
            recipient = connection.prep_address(subscriber.email)
            send_raw_then_commit(smtp, batch.sender, [recipient], data, commit=commit)
        else:
            message = rendered.message_for(subscriber, unsubscribe_url=link, message_id=mid)
            send_then_commit(connection, message, commit=commit)
    except Exception as error:
        _failed_one(batch, pk, attempts, error, counted=bool(committed))
        return 0
    return 1


def _failed_one(
    batch: _Batch, pk: int, attempts: int, error: Exception, *, counted: bool = False
) -> None:
    """Record a refusal (over the "sent" committed before the end of DATA, if it came then)."""
    note = describe(error)
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        batch.drop_connection()  # the session may be broken: the next message opens another
    if is_permanent(error) or attempts + 1 >= conf.get("NEWSLETTER_MAX_ATTEMPTS"):
        batch.mark(pk, Delivery.Status.FAILED, note, attempt=not counted)
        return
    # Refused for now: back in the queue, for a later batch.
    Delivery.objects.filter(pk=pk, claimed_by=batch.token).update(
        status=Delivery.Status.QUEUED,
        claimed_by="",
        claimed_at=None,
        sent_at=None,
        attempts=F("attempts") + (0 if counted else 1),
        note=note[:300],
    )


def resume_sending() -> int:
    """After a worker (re)starts: a chain for every issue still sending, and a start for every
    scheduled issue long overdue (their tasks may have died with a worker)."""
    from newsletter.tasks import start_issue as start_task

    count = 0
    for pk in Issue.objects.filter(status=Issue.Status.SENDING).values_list("pk", flat=True):
        enqueue_batch(pk)
        count += 1
    # A start that has been due for a while and has not happened died with a worker.
    overdue = timezone.now() - timedelta(seconds=conf.get("NEWSLETTER_CLAIM_TIMEOUT"))
    due = Issue.objects.filter(status=Issue.Status.SCHEDULED, send_at__lte=overdue)
    for pk in due.values_list("pk", flat=True):
        start_task.enqueue(pk)
        count += 1
    return count
