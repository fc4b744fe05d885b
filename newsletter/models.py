from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def normalise_email(email: str) -> str:
    """One spelling per address: "Anna@Example.COM " and "anna@example.com" are one reader."""
    return email.strip().lower()


class Subscriber(TimeStampedModel):
    """A reader who asked for the newsletter: pending until they follow the emailed link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(
        _("email address"), max_length=254, unique=True, help_text=_("Stored in lower case.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(
        _("IP address"),
        null=True,
        blank=True,
        help_text=_("Where the latest sign-up request came from: the record of consent."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language active at sign-up; emails are written in it."),
    )
    source = models.CharField(
        _("source"),
        max_length=50,
        blank=True,
        default="footer",
        help_text=_("Which form the reader used."),
    )

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # Unique plus lower case is unique ignoring case, with an index lookups can use.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="newsletter_subscriber_email_lowercase",
                violation_error_message=_("Store the address in lower case."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created"], name="newsletter_status_created"),
            models.Index(fields=["-created"], name="newsletter_created"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # Every writer stores one spelling; the constraints back it up.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)
