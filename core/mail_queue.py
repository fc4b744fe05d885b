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

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from core import tasks
from core.mail_data import message_to_data
from core.models import OutgoingEmail
from core.privacy import iso

logger = logging.getLogger(__name__)

OUTGOING_MAILER = "outgoing"


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
    transaction.on_commit(lambda: tasks.enqueue_send(pk))
    return outgoing


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
