"""The editorial desk's records: status transitions, revisions, corrections.

Imported by the blog.models package (so Django finds the models); the writes that create them
are in blog.services.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blog.models.articles import Article
from core.models import TimeStampedModel


def _by_user() -> models.ForeignKey:
    """Who did it: kept as None when the account is deleted, the record stays."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class ArticleTransition(models.Model):
    """One change of an article's status: who, when, from what to what, and why."""

    article = models.ForeignKey(
        "blog.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=10)
    to_status = models.CharField(_("to"), max_length=10)
    user = _by_user()
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"

    def status_label(self, value: str) -> str:
        return str(dict(Article.Status.choices).get(value, value))

    @property
    def from_label(self) -> str:
        return self.status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self.status_label(self.to_status)


class Revision(models.Model):
    """A saved version of an article or a page: its fields as JSON, who saved it and when."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("data"))
    user = _by_user()
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created"], name="revision_obj_idx")
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} @ {self.created:%Y-%m-%d %H:%M}"


class Correction(TimeStampedModel):
    """A dated note on a published article: a correction of a mistake, or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        "blog.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(_("text"), help_text=_("Plain text: what was wrong, or what is new."))
    user = _by_user()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    @staticmethod
    def list_url():
        return reverse("blog:corrections")
