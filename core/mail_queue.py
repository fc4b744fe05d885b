"""The mail queue: every email the site sends leaves through a background task, after commit.

settings.MAILERS["default"] is QueuedEmailBackend. Code sends the usual way
(`message.send(using="default")`, `send_mail()`, Django's password reset): the backend stores
each message as an OutgoingEmail and enqueues core.tasks.send_queued_email once the caller's
transaction commits. The task sends it through the real mailer (OPTIONS["mailer"], by default
"outgoing": SMTP in production), retries a temporary failure with growing delays, and records
the outcome. A request therefore never waits on SMTP, and an SMTP server down for an hour delays
mail without losing any.
"""

import logging
import smtplib

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils.module_loading import import_string

from core.models import OutgoingEmail
from core.privacy import iso

logger = logging.getLogger(__name__)

OUTGOING_MAILER = "outgoing"
_FIELDS = ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to")


def message_to_data(message: EmailMessage) -> dict:
    """What is needed to build the message again in the worker: JSON, no pickles."""
    data = {name: getattr(message, name) for name in _FIELDS}
    data["headers"] = {name: str(value) for name, value in message.extra_headers.items()}
    data["alternatives"] = [
        [str(alt.content), alt.mimetype] for alt in getattr(message, "alternatives", [])
    ]
    data["content_subtype"] = message.content_subtype
    cls = type(message)
    data["class"] = f"{cls.__module__}.{cls.__qualname__}"
    return data


def message_from_data(data: dict) -> EmailMessage:
    try:
        cls = import_string(data.get("class", ""))
    except ImportError:
        cls = EmailMultiAlternatives
    if not (isinstance(cls, type) and issubclass(cls, EmailMessage)):
        cls = EmailMultiAlternatives
    message = cls(**{name: data.get(name) for name in _FIELDS}, headers=data.get("headers") or {})
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data.get("alternatives") or []:
        if isinstance(message, EmailMultiAlternatives):
            message.attach_alternative(content, mimetype)
    return message


def email_queue(*, message: EmailMessage, mailer: str = OUTGOING_MAILER) -> OutgoingEmail:
    """Store a message and send it in the background once the current transaction commits."""
    recipients = [address.strip().lower() for address in message.recipients()]
    outgoing = OutgoingEmail.objects.create(
        mailer=mailer,
        subject=str(message.subject)[:255],
        recipients="\n".join(recipients),
        message=message_to_data(message),
    )
    pk = outgoing.pk
    transaction.on_commit(lambda: enqueue_send(pk))
    return outgoing


def enqueue_send(pk: int, *, run_after=None) -> bool:
    """Hand one stored email to the task queue; False if the backend cannot defer (it waits
    for core.tasks.resume_outgoing, run whenever a worker starts)."""
    from core.tasks import send_queued_email

    task = send_queued_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(pk)
    return True


class QueuedEmailBackend(BaseEmailBackend):
    """A mailer that queues instead of sending. OPTIONS: mailer (the alias the task uses)."""

    def __init__(self, *, mailer: str = OUTGOING_MAILER, **kwargs):
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                email_queue(message=message, mailer=self.mailer)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("Could not queue an email")
                continue
            queued += 1
        return queued


def is_permanent(error: Exception) -> bool:
    """A refusal the server will give again (5xx): retrying only repeats it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPServerDisconnected)
    return False


def describe(error: Exception) -> str:
    """The error for the record, without the addresses an SMTPRecipientsRefused carries."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({f"{code} {reply!r}" for code, reply in error.recipients.values()})
        return f"SMTPRecipientsRefused: {'; '.join(codes)}"[:1000]
    return f"{type(error).__name__}: {error}"[:1000]


def _rows_for(email: str):
    email = email.strip().lower()
    candidates = OutgoingEmail.objects.filter(recipients__contains=email)
    return [row for row in candidates if email in row.recipients.split("\n")]


def export_outgoing_email(email: str) -> list[dict]:
    """The personal-data export: the emails we sent (or tried to send) to an address."""
    return [
        {
            "subject": row.subject,
            "status": row.status,
            "queued": iso(row.created),
            "sent_at": iso(row.sent_at),
        }
        for row in _rows_for(email)
    ]


def erase_outgoing_email(email: str) -> int:
    """Erasing a person removes the copies of the emails sent to them, sent or waiting."""
    pks = [row.pk for row in _rows_for(email)]
    deleted, _ = OutgoingEmail.objects.filter(pk__in=pks).delete()
    return deleted
