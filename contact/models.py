from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ContactMessage(TimeStampedModel):
    """A message sent through the contact form: the editors' inbox."""

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    is_read = models.BooleanField(_("read"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        indexes = [
            models.Index(fields=["is_read", "-created"], name="contact_inbox_idx"),
            models.Index(fields=["email"], name="contact_email_idx"),
        ]

    def __str__(self):
        return self.subject
