"""How the comments app writes to people: the mailer, one message from its templates, and an
address as the app compares and stores it. Used by the notifications, the followers' messages
and the address confirmations alike, below all three."""

from django.conf import settings
from django.template.loader import render_to_string

from core.mail import ListEmailMessage

MAILER = "default"


def render_message(kind: str, to: str, context: dict, *, headers=None) -> ListEmailMessage:
    """One message to one recipient from comments/email/<kind>_subject.txt and _body.txt."""
    subject = render_to_string(f"comments/email/{kind}_subject.txt", context)
    body = render_to_string(f"comments/email/{kind}_body.txt", context)
    return ListEmailMessage(
        subject=" ".join(subject.split()),  # Headers are one line.
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )


def normal_email(address: str) -> str:
    """An address as the comments app compares and stores it: trimmed, lower case."""
    return (address or "").strip().lower()
