"""Readers who follow a discussion by email."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Article


class DiscussionFollower(models.Model):
    """Someone who follows an article's discussion by email without writing in it.

    Double opt-in: nothing is sent but the confirmation until its link is followed.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Every new comment")
        DAILY = "daily", _("A daily digest")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="followers"
    )
    email = models.EmailField(_("email"), max_length=254, help_text=_("Lower case."))
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency, default=Frequency.IMMEDIATE
    )
    created = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        ordering = ["article", "email"]
        verbose_name = _("discussion follower")
        verbose_name_plural = _("discussion followers")
        constraints = [
            models.UniqueConstraint(fields=["article", "email"], name="follower_once_per_article")
        ]
        indexes = [
            models.Index(fields=["article", "confirmed_at"], name="follower_article_idx"),
        ]

    def __str__(self):
        return f"{self.email} → {self.article_id}"
