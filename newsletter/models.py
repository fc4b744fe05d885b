from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.sanitizer import clean_article_html


def normalise_email(email: str) -> str:
    """One spelling per address: "Anna@Example.COM " and "anna@example.com" are one reader."""
    return email.strip().lower()


# A subscriber's source when they signed up on an article's page: this, then the article's id.
SOURCE_ARTICLE = "article:"


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
            # The editors' "which articles bring subscribers", over a period of confirmations.
            models.Index(fields=["confirmed_at", "source"], name="newsletter_confirmed_source"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # Every writer stores one spelling; the constraints back it up.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


# Addresses under /newsletter/ an issue's slug may not take.
RESERVED_SLUGS = frozenset({"archivio", "controlla-la-posta", "conferma", "disiscrizione"})


class Issue(TimeStampedModel):
    """One newsletter: composed by an editor, sent by the worker to every confirmed subscriber."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    subject = models.CharField(_("subject"), max_length=200)
    preheader = models.CharField(
        _("preheader"),
        max_length=200,
        blank=True,
        help_text=_("The line mail apps show after the subject in the inbox."),
    )
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Opens the issue, above the articles.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("Its address in the archive: /newsletter/<slug>/."),
    )
    in_archive = models.BooleanField(
        _("show in the archive"),
        default=True,
        help_text=_("Once sent, readers can read it on the site at /newsletter/<slug>/."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished at"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Why sending stopped, if it did.")
    )

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        permissions = [("send_issue", _("Can send newsletter issues"))]
        indexes = [models.Index(fields=["status", "send_at"], name="newsletter_issue_status")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:issue", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is taken by another page.")})

    def save(self, *args, **kwargs):
        self.intro = clean_article_html(self.intro)
        super().save(*args, **kwargs)


class IssueArticle(models.Model):
    """An article in an issue, in the editor's order. Only published articles are ever sent."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="items"
    )
    article = models.ForeignKey(
        "blog.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("article in the issue")
        verbose_name_plural = _("articles in the issue")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "article"], name="newsletter_issuearticle_unique"
            ),
        ]

    def __str__(self):
        return str(self.article)


class Delivery(models.Model):
    """One issue to one subscriber: created when sending starts, marked once per message.

    A subscriber erased while the issue goes out leaves the row with no subscriber (and no
    address): it is skipped and the count stays right.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_delivery_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "status"], name="newsletter_delivery_status"),
        ]

    def __str__(self):
        return f"{self.issue} → {self.subscriber_id or '-'}"
