"""The kept size of each discussion (comments.counts keeps it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from blog.models import Article


class DiscussionCount(models.Model):
    """How much of an article's discussion readers see, kept so no page counts it (comments.counts).

    Written in the same transaction as every change of a comment's status (comments.services
    and the other writers call comments.counts.counts_follow); `counts_rebuild` recounts.
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    approved = models.PositiveIntegerField(_("approved comments"), default=0)
    threads = models.PositiveIntegerField(
        _("threads shown"), default=0, help_text=_("Threads holding an approved comment.")
    )

    class Meta:
        ordering = ["article"]
        verbose_name = _("discussion count")
        verbose_name_plural = _("discussion counts")

    def __str__(self):
        return f"{self.article_id}: {self.approved}/{self.threads}"
