"""The contact inbox's part of the personal-data tools (the registry is core.privacy)."""

from contact.models import ContactMessage
from core.privacy import iso


def messages_of(email: str):
    return ContactMessage.objects.filter(email__iexact=email.strip())


def export_messages(email: str) -> list[dict]:
    return [
        {
            "name": m.name,
            "email": m.email,
            "subject": m.subject,
            "message": m.message,
            "sent": iso(m.created),
            "ip_address": m.ip_address,
        }
        for m in messages_of(email).order_by("created", "pk")
    ]


def erase_messages(email: str) -> int:
    """A message has no thread to keep: erasing a person removes their messages."""
    deleted, _ = messages_of(email).delete()
    return deleted
