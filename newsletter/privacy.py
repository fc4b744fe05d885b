"""The newsletter's part of the personal-data tools (the registry is core.privacy)."""

from core.privacy import iso
from newsletter.models import Subscriber, normalise_email


def export_subscription(email: str) -> list[dict]:
    return [
        {
            "email": subscriber.email,
            "status": subscriber.status,
            "signed_up": iso(subscriber.created),
            "confirmed_at": iso(subscriber.confirmed_at),
            "unsubscribed_at": iso(subscriber.unsubscribed_at),
            "ip_address": subscriber.ip_address,
            "language": subscriber.language,
            "source": subscriber.source,
            "issues": [
                {
                    "subject": delivery.issue.subject,
                    "status": delivery.status,
                    "sent_at": iso(delivery.sent_at),
                }
                for delivery in subscriber.deliveries.select_related("issue").order_by("pk")
            ],
        }
        for subscriber in Subscriber.objects.filter(email=normalise_email(email))
    ]


def erase_subscription(email: str) -> int:
    """Erasing a person removes their subscription outright: there is no thread to keep. Their
    deliveries stay, with no subscriber (so an issue's counts stay right), even mid-send: the
    worker then skips the row and says why (newsletter.delivery)."""
    deleted, _ = Subscriber.objects.filter(email=normalise_email(email)).delete()
    return deleted
