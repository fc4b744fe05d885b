"""Writes of the contact inbox: receiving a message, and the editors' marks on it."""

from django.db import transaction
from django.utils import timezone

from contact import notifications
from contact.models import ContactMessage
from core.client_address import valid_ip


def contact_message_receive(
    *, name: str, email: str, subject: str, message: str, ip_address: str | None
) -> ContactMessage:
    """Keep the message in the inbox; after commit, tell the editors and send a receipt."""
    with transaction.atomic():
        received = ContactMessage.objects.create(
            name=name.strip(),
            email=email.strip(),
            subject=subject.strip(),
            message=message.strip(),
            ip_address=valid_ip(ip_address),
        )
        transaction.on_commit(lambda: notifications.message_received(received))
    return received


def contact_message_mark(
    *, message: ContactMessage, read: bool | None = None, replied: bool | None = None
) -> ContactMessage:
    fields = ["updated"]
    if read is not None:
        message.is_read = read
        fields.append("is_read")
    if replied is not None:
        message.replied_at = timezone.now() if replied else None
        message.is_read = message.is_read or replied
        fields += ["replied_at", "is_read"]
    message.save(update_fields=sorted(set(fields)))
    return message


def contact_message_assign(*, message: ContactMessage, user) -> ContactMessage:
    message.assigned_to = user
    message.save(update_fields=["assigned_to", "updated"])
    return message
