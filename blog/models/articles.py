"""Articles and what they are filed under (authors, categories, tags), and the promo banner."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, initials_of
from core.sanitizer import clean_article_html
from media import pipeline


class Author(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text=_("Imported authors may have no account."),
    )
    display_name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    bio = models.TextField(_("biography"), blank=True)
    avatar = models.ImageField(
        _("avatar"),
        upload_to="avatars/%Y/%m/",
        blank=True,
        width_field="avatar_width",
        height_field="avatar_height",
        validators=[pipeline.validate_image_upload],
        help_text=pipeline.UPLOAD_HELP_TEXT,
    )
    avatar_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    avatar_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        pipeline.prepare_upload(self.avatar)
        super().save(*args, **kwargs)
        pipeline.make_renditions(self.avatar)

    def get_absolute_url(self):
        return reverse("blog:author", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        return initials_of(self.display_name)


class Category(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})


def visible_condition(prefix: str = "") -> models.Q:
    """The one visibility rule as a condition: published, and its publication time has come.

    `prefix` applies it through a relation (e.g. "article__" from a comment): a join, where an
    `article__in=published()` subquery would read every article.
    """
    return models.Q(
        **{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}publish_at__lte": timezone.now()}
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: published, and its publication time has come."""
        return self.filter(visible_condition())

    def scheduled(self):
        """Published but not yet public: its publication time is still to come (the same rule,
        not written again, so the two can never drift apart)."""
        return self.filter(status=Article.Status.PUBLISHED).exclude(visible_condition())

    def with_is_live(self):
        """Each article with `is_live`: whether the visibility rule shows it now (no subquery)."""
        return self.annotate(
            is_live=models.ExpressionWrapper(
                visible_condition(), output_field=models.BooleanField()
            )
        )

    def for_listing(self):
        return self.select_related("author", "category").order_by("-publish_at", "-pk")


class Article(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, help_text=_("The last part of the address.")
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="articles"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The opening paragraph shown under the title.")
    )
    body = models.TextField(_("body"), blank=True)
    cover = models.ImageField(
        _("cover image"),
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        validators=[pipeline.validate_image_upload],
        help_text=pipeline.UPLOAD_HELP_TEXT,
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("A future date schedules the article."),
    )
    comments_enabled = models.BooleanField(_("comments open"), default=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_visible_idx"),
            # The admin's list, newest first whatever the status, without sorting every row.
            models.Index(
                models.F("publish_at").desc(), models.F("id").desc(), name="article_recent_idx"
            ),
        ]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_article_html(self.body)
        pipeline.prepare_upload(self.cover)
        super().save(*args, **kwargs)
        pipeline.make_renditions(self.cover)

    def get_absolute_url(self):
        day = timezone.localdate(self.publish_at)
        return reverse(
            "blog:article",
            kwargs={
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def get_preview_url(self):
        return reverse("blog:article-preview", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return Article.objects.published().filter(pk=self.pk).exists()

    @property
    def correction_list(self):
        return corrections_of(self)


class PromoQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return (
            self.filter(enabled=True)
            .filter(models.Q(active_from__isnull=True) | models.Q(active_from__lte=now))
            .filter(models.Q(active_until__isnull=True) | models.Q(active_until__gt=now))
        )


class Promo(TimeStampedModel):
    """A site-wide banner with a call to action, shown above the content while active."""

    text = models.CharField(_("text"), max_length=200)
    link = models.URLField(_("link"))
    cta_label = models.CharField(_("call-to-action label"), max_length=60)
    active_from = models.DateTimeField(_("active from"), null=True, blank=True)
    active_until = models.DateTimeField(_("active until"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = PromoQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-pk"]
        verbose_name = _("promo banner")
        verbose_name_plural = _("promo banners")

    def __str__(self):
        return self.text


def corrections_of(article) -> list[models.Model]:
    """An article's corrections, oldest first, read at most once per article object.

    Uses a prefetch when there is one (feeds), and skips the query when the article came with
    has_corrections=False (the article page annotates it in the query it already makes).
    """
    prefetched = getattr(article, "_prefetched_objects_cache", {}).get("corrections")
    if prefetched is not None:
        return list(prefetched)
    if getattr(article, "has_corrections", True) is False or article.pk is None:
        return []
    if not hasattr(article, "_correction_list"):
        article._correction_list = list(article.corrections.all())
    return article._correction_list
