"""The discussion rules moderators edit in the admin ("Discussion settings"), and the orders and
first pages a discussion may use."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments import conf
from comments.conf import MAX_DEPTH_LIMIT
from comments.models.hours import (
    closed_days_field,
    closed_from_field,
    closed_until_field,
    validate_hours,
)


class CommentOrder(models.TextChoices):
    """How the threads of a discussion follow each other (replies stay in their thread's order)."""

    OLDEST = "oldest", _("Oldest first")
    NEWEST = "newest", _("Newest first")
    REPLIES = "replies", _("Most replies")
    PICKS = "picks", _("Editors' picks first")


class DefaultPage(models.TextChoices):
    FIRST = "first", _("First page")
    LAST = "last", _("Last page")


class DiscussionSettings(models.Model):
    """WordPress's "Discussion settings": one row, edited by staff in the admin.

    Before anyone saves it, the defaults come from Django settings (COMMENTS_*). Read it through
    comments.discussion.current(), which caches it; saving invalidates that cache
    (comments.discussion.forget), so a change takes effect on the next request in every process
    sharing the cache.
    """

    SINGLETON_PK = 1

    require_approval = models.BooleanField(
        _("comments must be manually approved"),
        help_text=_("Every comment is held for moderation."),
    )
    auto_approve_returning = models.BooleanField(
        _("approve authors with a previously approved comment"),
        help_text=_("Matched on the email address, ignoring case."),
    )
    hold_link_count = models.PositiveSmallIntegerField(
        _("hold a comment with this many links or more"),
        help_text=_("0 turns the link check off."),
    )
    hold_list = models.TextField(
        _("hold list"),
        blank=True,
        help_text=_(
            "One word, address or IP per line. A comment whose name, email, website, text or IP "
            "contains one (ignoring case) is held for moderation."
        ),
    )
    spam_list = models.TextField(
        _("spam list"),
        blank=True,
        help_text=_("Like the hold list, but a matching comment goes straight to spam."),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments on articles older than (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep comments open on old articles."),
    )
    max_depth = models.PositiveSmallIntegerField(
        _("maximum thread depth"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DEPTH_LIMIT)],
        help_text=_("From 1 (no replies) to 10 levels."),
    )
    allow_anonymous = models.BooleanField(
        _("allow comments without name and email"),
    )
    notify_moderators = models.BooleanField(
        _("email moderators when a comment is held"),
    )
    notify_authors = models.BooleanField(
        _("email the article's author when a comment is approved"),
    )
    page_comments = models.BooleanField(
        _("break comments into pages"),
        help_text=_("Each page shows whole threads: a top-level comment with all its replies."),
    )
    threads_per_page = models.PositiveSmallIntegerField(
        _("threads per page"),
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Top-level comments per page, each with its replies."),
    )
    default_page = models.CharField(
        _("page shown first"), max_length=5, choices=DefaultPage.choices
    )
    flag_threshold = models.PositiveSmallIntegerField(
        _("hide a comment reported by this many readers"),
        help_text=_(
            "It waits for a moderator, who keeps or removes it. 0: reports never hide a comment."
        ),
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        _("minutes to edit a comment"),
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "How long commenters may correct their own comment, from the same browser. "
            "0 turns editing off."
        ),
    )
    default_order = models.CharField(
        _("comment order"),
        max_length=10,
        choices=CommentOrder.choices,
        help_text=_("Readers may choose another order with the links above the comments."),
    )
    standing_low = models.SmallIntegerField(
        _("hold commenters whose standing is below"),
        help_text=_(
            "Standing: +1 for each approved comment, -1 for each rejected or spam. Below this "
            "mark every comment of the commenter is held. 1 holds every new commenter; 0 only "
            "those with more removed comments than approved."
        ),
    )
    standing_high = models.SmallIntegerField(
        _("trust commenters whose standing is at least"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "From this mark, a commenter with an account or a confirmed address skips manual "
            "approval (the spam list, links and the hold list still apply) and readers' reports "
            "send their comments to the moderators instead of off the page."
        ),
    )
    # Comment hours (comments.hours): every discussion closes at these hours and on these days,
    # unless its section has hours of its own (SectionHours).
    closed_from = closed_from_field()
    closed_until = closed_until_field()
    closed_days = closed_days_field()
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_depth__gte=1, max_depth__lte=MAX_DEPTH_LIMIT),
                name="discussion_max_depth_range",
            ),
            models.CheckConstraint(condition=models.Q(pk=1), name="discussion_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(standing_low__lt=models.F("standing_high")),
                name="discussion_standing_low_below_high",
                violation_error_message=_("The low mark must be below the high mark."),
            ),
        ]

    def __str__(self):
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        validate_hours(self)

    @classmethod
    def from_django_settings(cls) -> "DiscussionSettings":
        """The unsaved defaults, read from Django settings."""
        return cls(
            pk=cls.SINGLETON_PK,
            require_approval=conf.get("COMMENTS_REQUIRE_APPROVAL"),
            auto_approve_returning=conf.get("COMMENTS_AUTO_APPROVE_RETURNING"),
            hold_link_count=conf.get("COMMENTS_HOLD_LINK_COUNT"),
            hold_list=conf.get("COMMENTS_HOLD_LIST"),
            spam_list=conf.get("COMMENTS_SPAM_LIST"),
            close_after_days=conf.get("COMMENTS_CLOSE_AFTER_DAYS"),
            max_depth=conf.clamp_depth(conf.get("COMMENTS_MAX_DEPTH")),
            allow_anonymous=conf.get("COMMENTS_ALLOW_ANONYMOUS"),
            notify_moderators=conf.get("COMMENTS_NOTIFY_MODERATORS"),
            notify_authors=conf.get("COMMENTS_NOTIFY_AUTHORS"),
            page_comments=conf.get("COMMENTS_PAGE_COMMENTS"),
            threads_per_page=conf.get("COMMENTS_THREADS_PER_PAGE"),
            default_page=conf.get("COMMENTS_DEFAULT_PAGE"),
            default_order=conf.get("COMMENTS_DEFAULT_ORDER"),
            edit_window_minutes=conf.get("COMMENTS_EDIT_WINDOW_MINUTES"),
            flag_threshold=conf.get("COMMENTS_FLAG_THRESHOLD"),
            standing_low=conf.get("COMMENTS_STANDING_LOW"),
            standing_high=conf.get("COMMENTS_STANDING_HIGH"),
            closed_from=conf.get("COMMENTS_CLOSED_FROM"),
            closed_until=conf.get("COMMENTS_CLOSED_UNTIL"),
            closed_days=conf.get("COMMENTS_CLOSED_DAYS"),
        )

    @staticmethod
    def entries(text: str) -> list[str]:
        return [line.strip().lower() for line in text.splitlines() if line.strip()]
