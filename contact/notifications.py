"""Email about a contact message: the editors are told, the sender gets a receipt.

One small function, called after commit (contact.services), so moving it to a background task
is a one-line change. The receipt never repeats what the sender typed: the form cannot be used
to send somebody else a message of one's choosing, and a mailbox gets at most
CONTACT_RECEIPTS_PER_MAILBOX receipts a day (the message reaches the editors either way).
Failures are logged and swallowed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from blog.notifications import editor_addresses
from contact import conf
from contact.models import ContactMessage
from core import ratelimit
from core.mail import site_url

logger = logging.getLogger(__name__)

RECEIPT_CAP = ratelimit.PerMailbox(
    "contact-receipt", conf, "CONTACT_RECEIPTS_PER_MAILBOX", "CONTACT_RECEIPT_WINDOW"
)


def _message(kind: str, to: str, context: dict, **extra) -> EmailMessage:
    subject = render_to_string(f"contact/email/{kind}_subject.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"contact/email/{kind}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
        **extra,
    )


def message_received(message: ContactMessage) -> None:
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "message": message,
                "inbox_url": site_url(
                    reverse("admin:contact_contactmessage_change", args=[message.pk])
                ),
            }
            outgoing = [
                _message("editors", to, context, reply_to=[message.email])
                for to in editor_addresses()
            ]
        if RECEIPT_CAP.allow(message.email):
            with translation.override(language):
                context = {"site_name": settings.SITE_NAME}
                outgoing.append(_message("receipt", message.email, context))
    except Exception:
        logger.exception("Could not prepare the emails for contact message %s", message.pk)
        return
    for email in outgoing:
        try:
            email.send()
        except Exception:
            logger.exception("Could not send an email about contact message %s", message.pk)
