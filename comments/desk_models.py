"""The moderators' desk: what moderators did, and (comments.suspensions) whom they suspended.

Imported at the end of comments.models, so Django finds these models in the comments app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModerationAction(models.Model):
    """One moderator's decision, kept for good: who did what to which comment and when.

    The comment may be deleted later; the commenter's key (comments.identity) stays, so their
    record still shows what moderators did.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Marked as spam")
        PENDING = "pending", _("Returned to pending")
        DELETED = "deleted", _("Deleted")
        SUSPENDED = "suspended", _("Suspended the commenter")
        LIFTED = "lifted", _("Lifted a suspension")

    comment = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    commenter = models.CharField(_("commenter"), max_length=48, blank=True, editable=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    previous_status = models.CharField(_("status before"), max_length=10, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [
            models.Index(fields=["commenter", "-created"], name="modaction_commenter_idx"),
            models.Index(fields=["comment", "-created"], name="modaction_comment_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.comment_id or '—'}"
