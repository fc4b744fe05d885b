"""The abstract base every model with timestamps uses, and the local avatar initials."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def initials_of(name: str) -> str:
    """Up to two initials for an avatar drawn locally ("Maria Rossi" -> "MR"), "?" if none."""
    initials = [word[0] for word in name.split() if word[0].isalnum()]
    return "".join(initials[:2]).upper() or "?"


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OutgoingEmail(TimeStampedModel):
    """One email on its way out: what the mail queue sends, retries and keeps a record of.

    Every message the site sends (notifications, confirmations, password resets) is stored here
    by core.mail_queue.QueuedEmailBackend and sent by a background task after the request's
    transaction commits, so no request waits on SMTP and nothing is lost while SMTP is down.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    mailer = models.CharField(_("mailer"), max_length=50, help_text=_("The MAILERS alias."))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    recipients = models.TextField(
        _("recipients"), blank=True, help_text=_("Every address it goes to, in lower case.")
    )
    message = models.JSONField(_("message"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_outgoing_status_next"),
            models.Index(fields=["-created"], name="core_outgoing_created"),
        ]

    def __str__(self):
        return self.subject or f"#{self.pk}"
