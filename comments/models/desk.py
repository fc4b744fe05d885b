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
        AMENDED = "amended", _("Changed a suspension")
        PICKED = "picked", _("Picked for the editors' picks")
        UNPICKED = "unpicked", _("Removed from the editors' picks")

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


class SuspensionQuerySet(models.QuerySet):
    def active(self, now=None):
        """In force now: not lifted by a moderator, and not past its end (an end lifts itself:
        nothing has to run for it)."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )


class Suspension(models.Model):
    """A commenter suspended for a period, or banned for good (no end), with a reason.

    Who: a commenter key (comments.identity: an account, or the keyed hash of an address, never
    the address), and/or an IP network. The label names them for moderators without an address.
    """

    commenter = models.CharField(_("commenter"), max_length=48, blank=True, editable=False)
    ip_network = models.CharField(
        _("IP network"),
        max_length=64,
        blank=True,
        help_text=_("Also refuse comments from this network (e.g. 198.51.100.0/24)."),
    )
    label = models.CharField(_("commenter"), max_length=150, editable=False)
    comment = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("from the comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reason = models.CharField(_("reason"), max_length=300)
    starts_at = models.DateTimeField(_("from"), default=timezone.now, editable=False)
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: banned for good.")
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [
            models.Index(fields=["commenter", "ends_at"], name="suspension_commenter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(commenter="") | ~models.Q(ip_network=""),
                name="suspension_names_someone",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_ban(self) -> bool:
        return self.ends_at is None

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)


class SectionDesk(models.Model):
    """The sections (categories) a moderator looks after.

    Their comment queue opens on these sections (they can still see all), the held-comment
    emails of these sections are for them, and the comments waiting elsewhere come to them as
    one count a day (comments.desk). A moderator without a desk is told about every section.
    """

    moderator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.CASCADE,
        related_name="section_desk",
    )
    categories = models.ManyToManyField(
        "blog.Category",
        verbose_name=_("sections"),
        related_name="+",
        help_text=_("The categories whose comments this moderator looks after."),
    )

    class Meta:
        ordering = ["moderator_id"]
        verbose_name = _("section desk")
        verbose_name_plural = _("section desks")

    def __str__(self):
        return self.moderator.get_username()
