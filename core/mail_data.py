"""An email as the queue stores it, and what a sending error means.

Below both the mail queue (core.mail_queue stores messages) and the task that sends them
(core.tasks), and used by the newsletter's own deliveries: JSON data in place of a message, and
whether an SMTP refusal is worth retrying.
"""

import smtplib

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils.module_loading import import_string

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
