"""Sending an issue, in the worker: exactly once per confirmed subscriber, however often a worker
dies on the way.

1. start_issue (a task, run at the scheduled time) creates one Delivery per confirmed
   subscriber (unique per issue and subscriber) and starts NEWSLETTER_PARALLEL_BATCHES chains.
2. deliver_batch (a task) claims up to NEWSLETTER_BATCH_SIZE queued deliveries (SELECT ... FOR
   UPDATE SKIP LOCKED on PostgreSQL, so two workers never claim the same rows), then asks for
   the next link (newsletter.tasks enqueues it: this module knows no queue). The chain ends
   when nothing is queued or claimed, and the issue is sent.
3. A batch keeps NEWSLETTER_SMTP_CONNECTIONS connections open and sends in rounds, one message
   per connection (core.smtp.send_many_then_commit): every envelope, every content, then ONE
   statement marking the round's rows sent, then the end of every message, the line that makes
   a server take it. The issue is rendered once per language and batch; each message only gets
   its unsubscribe link and headers put in (newsletter.rendering).
4. A worker killed mid-batch leaves its claimed rows behind: after NEWSLETTER_CLAIM_TIMEOUT
   another chain puts them back in the queue, and a worker starting up (core.signals.
   worker_started) enqueues a chain for every issue still sending. Rows already marked sent are
   never sent again. Killed before a round's mark, none of the round was delivered (the servers
   never got the ends) and it goes out again once; killed after it, the ends are already
   leaving: the window is the few microseconds of one small write per message of the round, in
   which a kill loses those messages rather than doubling them.

Before each group of messages the batch reads the issue and the subscribers afresh: a cancelled
issue stops, an unsubscribed or erased subscriber is skipped, an article unpublished since the
batch began is dropped at the next batch (the issue is rendered per batch).
"""

import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import connection as database
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext

from core.mail_data import describe, is_permanent
from core.smtp import Outgoing, envelope_address, no_delay, send_many_then_commit, send_then_commit
from newsletter import conf
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.rendering import RenderedIssue, issue_has_content, message_id, render_issue
from newsletter.tokens import unsubscribe_url_maker

logger = logging.getLogger(__name__)

# Issue and subscribers are read afresh before each group of this many messages.
CHECK_EVERY = 25


class SMTPUnavailable(Exception):
    """The mail server cannot be reached: the batch stops and is tried again later."""


@dataclass(frozen=True)
class Step:
    """What a step of the sending did, and what comes next: `batches` more links of the chain,
    after `delay` seconds (None: at once). newsletter.tasks enqueues them: this module knows
    the work, not the queue."""

    outcome: str
    batches: int = 0
    delay: float | None = None


def start_issue(issue_pk: int) -> Step:
    """Turn a scheduled issue that is due into deliveries, and start sending."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_pk).first()
        if issue is None or issue.status != Issue.Status.SCHEDULED:
            return Step("not scheduled")
        if issue.send_at is not None and issue.send_at > timezone.now():
            return Step("not due")
        if not issue_has_content(issue):
            issue.status = Issue.Status.CANCELLED
            issue.note = gettext("Not sent: none of its articles is published any more.")
            issue.save(update_fields=["status", "note", "updated"])
            return Step("empty")
        issue.recipients_count = _create_deliveries(issue)
        issue.status = Issue.Status.SENDING
        issue.started_at = timezone.now()
        issue.save(update_fields=["status", "started_at", "recipients_count", "updated"])
    return Step("started", batches=conf.get("NEWSLETTER_PARALLEL_BATCHES"))


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


def deliver_batch(issue_pk: int) -> Step:
    """One link of a sending chain: claim a batch, send it, and ask for the next link."""
    issue = Issue.objects.filter(pk=issue_pk).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return Step("stopped")
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
        return Step("smtp unavailable", batches=1, delay=delay)
    except Exception:
        _release(token)
        logger.exception("Issue %s: a batch failed; it goes back to the queue", issue_pk)
        return Step("error", batches=1, delay=conf.get("NEWSLETTER_RETRY_DELAY"))
    return Step(outcome, batches=0 if outcome == "cancelled" else 1)


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


def _finish_or_wait(issue: Issue) -> Step:
    oldest = Delivery.objects.filter(issue=issue, status=Delivery.Status.CLAIMED).aggregate(
        oldest=Min("claimed_at")
    )["oldest"]
    if oldest is not None:
        # Another batch is out; if its worker died, its rows are ours once the claim is stale.
        wait = (oldest - timezone.now()).total_seconds() + conf.get("NEWSLETTER_CLAIM_TIMEOUT")
        return Step("waiting", batches=1, delay=max(wait, 0) + 1)
    Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, finished_at=timezone.now(), updated=timezone.now()
    )
    return Step("finished")


class _Batch:
    """The messages of one claimed batch, over NEWSLETTER_SMTP_CONNECTIONS SMTP connections
    opened once for the whole batch."""

    def __init__(self, issue: Issue, token: str):
        self.issue = issue
        self.token = token
        self.rendered: dict[str, RenderedIssue] = {}
        self.connections: dict[int, object] = {}
        self.width = max(1, conf.get("NEWSLETTER_SMTP_CONNECTIONS"))
        self.unsubscribe_url = unsubscribe_url_maker()

    def rendering(self, language: str) -> RenderedIssue:
        if language not in self.rendered:
            self.rendered[language] = render_issue(self.issue, language=language or None)
        return self.rendered[language]

    def open(self, index: int = 0):
        if index not in self.connections:
            connection = mailers[conf.get("NEWSLETTER_MAILER")]
            try:
                connection.open()
            except (OSError, smtplib.SMTPException) as error:
                raise SMTPUnavailable(describe(error)) from error
            self.connections[index] = connection
            no_delay(getattr(connection, "connection", None))
            prep = getattr(connection, "prep_address", None)
            self.sender = prep(settings.DEFAULT_FROM_EMAIL) if prep else ""
        return self.connections[index]

    def is_smtp(self) -> bool:
        """Whether the mailer speaks SMTP (not the console, not the tests' outbox)."""
        return isinstance(getattr(self.open(), "connection", None), smtplib.SMTP)

    def sessions(self) -> list[smtplib.SMTP]:
        """The batch's SMTP sessions, reopening any that was dropped. A server that refuses
        more connections than the first leaves the batch with the ones it has."""
        sessions = []
        for index in range(self.width):
            try:
                sessions.append(self.open(index).connection)
            except SMTPUnavailable:
                if index == 0:
                    raise
                logger.warning("Newsletter: %s SMTP connections only, not %s", index, self.width)
                self.width = index
        return sessions

    def drop_connection(self, index: int = 0):
        connection = self.connections.pop(index, None)
        if connection is not None:
            with contextlib.suppress(Exception):  # it is broken already
                connection.close()

    def drop_connections(self):
        for index in list(self.connections):
            self.drop_connection(index)

    def mark(self, pk: int, status: str, note: str = "", *, attempt: bool = False) -> None:
        # claimed_by stays: a refusal at the end of DATA overwrites a "sent" (core.smtp).
        changes = {"status": status, "note": note[:300]}
        changes["sent_at"] = timezone.now() if status == Delivery.Status.SENT else None
        if attempt:
            changes["attempts"] = F("attempts") + 1
        Delivery.objects.filter(pk=pk, claimed_by=self.token).update(**changes)

    def mark_sent(self, pks: list[int]) -> None:
        """Sent, in one statement for every message of a round (and one commit)."""
        Delivery.objects.filter(pk__in=pks, claimed_by=self.token).update(
            status=Delivery.Status.SENT, note="", sent_at=timezone.now(), attempts=F("attempts") + 1
        )


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
        batch.drop_connections()
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
    round_ = []
    for pk, attempts, subscriber_pk in rows:
        subscriber = _sendable(batch, pk, subscribers.get(subscriber_pk))
        if subscriber is None:
            continue
        if not subscriber.email.isascii() or not batch.is_smtp():
            sent += _send_one(batch, pk, attempts, subscriber)
            continue
        round_.append((pk, attempts, subscriber))
        if len(round_) == batch.width:
            sent += _send_round(batch, round_)
            round_ = []
    if round_:
        sent += _send_round(batch, round_)
    return sent


def _sendable(batch: _Batch, pk: int, subscriber: Subscriber | None) -> Subscriber | None:
    """The subscriber if they are to get the message; otherwise the row says why not."""
    if subscriber is None:
        batch.mark(pk, Delivery.Status.SKIPPED, gettext("Subscriber erased while sending"))
        return None
    if subscriber.status != Subscriber.Status.CONFIRMED:
        batch.mark(pk, Delivery.Status.SKIPPED, gettext("Unsubscribed while sending"))
        return None
    try:
        validate_email(subscriber.email)
    except ValidationError:
        batch.mark(pk, Delivery.Status.FAILED, gettext("Not a valid email address"))
        return None
    return subscriber


def _send_round(batch: _Batch, round_: list[tuple[int, int, Subscriber]]) -> int:
    """Up to NEWSLETTER_SMTP_CONNECTIONS messages at once, one per connection, marked sent
    together in one statement just before the servers get their ends (core.smtp)."""
    sent = 0
    while round_:
        sessions = batch.sessions()
        part, round_ = round_[: len(sessions)], round_[len(sessions) :]
        messages = []
        for index, (pk, attempts, subscriber) in enumerate(part):
            try:
                recipient = envelope_address(batch.connections[index], subscriber.email)
            except ValueError:
                batch.mark(pk, Delivery.Status.FAILED, gettext("Not a valid email address"))
                continue
            data = batch.rendering(subscriber.language).raw_for(
                to=subscriber.email,
                unsubscribe_url=batch.unsubscribe_url(subscriber),
                message_id=message_id(batch.issue.pk, pk),
            )
            key = (index, pk, attempts)
            messages.append(Outgoing(sessions[index], batch.sender, [recipient], data, key=key))
        sent += _send_messages(batch, messages)
    return sent


def _send_messages(batch: _Batch, messages: list[Outgoing]) -> int:
    try:
        send_many_then_commit(
            messages, commit=lambda ready: batch.mark_sent([m.key[1] for m in ready])
        )
    except BaseException:
        # No end was sent: the servers drop what they got when the sessions close.
        batch.drop_connections()
        raise
    sent = 0
    for message in messages:
        index, pk, attempts = message.key
        if message.error is None:
            sent += 1
        else:
            _failed_one(batch, pk, attempts, message.error, counted=message.committed, index=index)
    return sent


def _send_one(batch: _Batch, pk: int, attempts: int, subscriber: Subscriber) -> int:
    """One message through the email package: an address that is not ASCII, or a backend that
    is not SMTP (the console, the tests' outbox)."""
    rendered = batch.rendering(subscriber.language)
    link, mid = batch.unsubscribe_url(subscriber), message_id(batch.issue.pk, pk)
    connection = batch.open()
    committed = []

    def commit():
        batch.mark(pk, Delivery.Status.SENT, attempt=True)
        committed.append(True)

    try:
        # Marked sent just before the server gets the end of the message (core.smtp): a kill at
        # any moment leaves neither a duplicate nor, but for microseconds, a loss.
        message = rendered.message_for(subscriber, unsubscribe_url=link, message_id=mid)
        send_then_commit(connection, message, commit=commit)
    except Exception as error:
        _failed_one(batch, pk, attempts, error, counted=bool(committed))
        return 0
    return 1


def _failed_one(
    batch: _Batch,
    pk: int,
    attempts: int,
    error: Exception,
    *,
    counted: bool = False,
    index: int = 0,
) -> None:
    """Record a refusal (over the "sent" committed before the end of DATA, if it came then)."""
    note = describe(error)
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        batch.drop_connection(index)  # the session may be broken: the next message opens another
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


def to_resume() -> tuple[list[int], list[int]]:
    """After a worker (re)starts: the issues still sending (each needs a chain) and the
    scheduled issues long overdue (their start may have died with a worker)."""
    sending = Issue.objects.filter(status=Issue.Status.SENDING).values_list("pk", flat=True)
    # A start that has been due for a while and has not happened died with a worker.
    overdue = timezone.now() - timedelta(seconds=conf.get("NEWSLETTER_CLAIM_TIMEOUT"))
    due = Issue.objects.filter(status=Issue.Status.SCHEDULED, send_at__lte=overdue)
    return list(sending), list(due.values_list("pk", flat=True))
