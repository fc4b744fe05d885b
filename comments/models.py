import hashlib
import hmac

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from blog.models import Article
from comments.conf import MAX_DEPTH_LIMIT
from comments.identity import commenter_key
from core.models import TimeStampedModel, initials_of
from core.sanitizer import render_comment_text
from core.web_address import WEB_SCHEMES

AVATAR_COLOURS = 12


class CommentQuerySet(TreeQuerySet):
    def public(self):
        """The one rule for who may see a comment: approved, nothing else."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_article(self, article):
        return self.filter(article=article)

    def visible_tree(self, article, *, also_pk=()):
        """What the article page shows, in tree order, in one query.

        Approved comments, plus any hidden comment that still has approved replies (it renders as
        a placeholder so the thread keeps its shape), plus `also_pk`: the viewer's own pending
        comments. Plain named rows, not model instances (a tenth of the cost each), and the
        email column is never loaded.
        """
        approved_below = Comment.objects.public().filter(
            tree_id=models.OuterRef("tree_id"),
            lft__gt=models.OuterRef("lft"),
            rght__lt=models.OuterRef("rght"),
        )
        shown = models.Q(status=Comment.Status.APPROVED) | models.Exists(approved_below)
        if also_pk:
            shown |= models.Q(pk__in=list(also_pk), status=Comment.Status.PENDING)
        return (
            self.filter(article=article)
            .filter(shown)
            .order_by("tree_id", "lft")
            .values_list(*Comment.RENDER_FIELDS, named=True)
        )


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    pass


class Comment(MPTTModel, TimeStampedModel):
    class Role(models.TextChoices):
        """A verified badge, from the account that wrote the comment, never from typed fields."""

        NONE = "", _("Reader")
        AUTHOR = "author", _("Author")
        STAFF = "staff", _("Editorial staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    class Rule(models.TextChoices):
        """Which automatic rule decided a comment's status (held_reason says what matched)."""

        NONE = "", _("None")
        SPAM_LIST = "spam_list", _("Spam list")
        MANUAL = "manual", _("Manual approval")
        LINKS = "links", _("Links")
        HOLD_LIST = "hold_list", _("Hold list")
        NOT_RETURNING = "not_returning", _("Not a returning commenter")
        STANDING = "standing", _("New or unreliable commenter")
        REPORTS = "reports", _("Reports from readers")
        SUSPENDED = "suspended", _("Suspended commenter")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    # RESTRICT: a comment with replies cannot be deleted on its own, only with its article.
    parent = TreeForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
    )
    author_name = models.CharField(_("name"), max_length=100, blank=True)
    author_email = models.EmailField(
        _("email"), max_length=254, blank=True, help_text=_("Never published.")
    )
    author_url = models.URLField(
        _("website"),
        max_length=200,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("comment"), help_text=_("As typed, plain text."))
    body_html = models.TextField(_("rendered comment"), editable=False)
    avatar_colour = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    held_reason = models.CharField(
        _("why it was held"),
        max_length=200,
        blank=True,
        help_text=_("Which discussion rule held this comment or marked it as spam."),
    )
    held_rule = models.CharField(
        _("rule"),
        max_length=16,
        choices=Rule.choices,
        default=Rule.NONE,
        blank=True,
        editable=False,
        help_text=_("The automatic rule that held this comment, hid it or marked it as spam."),
    )
    # The commenter's record (comments.selectors): their account, else a keyed hash of their
    # address (comments.identity), never the address itself. Derived on save.
    commenter = models.CharField(_("commenter"), max_length=48, blank=True, editable=False)
    notify_on_reply = models.BooleanField(_("notify me of replies"), default=False)
    edited_at = models.DateTimeField(
        _("edited"), null=True, blank=True, editable=False, help_text=_("Last edit by its author.")
    )
    author_role = models.CharField(
        _("verified badge"),
        max_length=10,
        choices=Role.choices,
        default=Role.NONE,
        blank=True,
        editable=False,
        help_text=_("From the logged-in account that wrote it: the article's author, or staff."),
    )

    objects = CommentManager()

    # What rendering a comment needs; the email is deliberately absent.
    RENDER_FIELDS = (
        "id",
        "parent_id",
        "article_id",
        "author_name",
        "author_url",
        "body_html",
        "avatar_colour",
        "author_role",
        "edited_at",
        "status",
        "created",
        "updated",
        "tree_id",
        "lft",
        "rght",
        "level",
    )

    class MPTTMeta:
        # No order_insertion_by: a new comment is the newest, so last child is already right.
        parent_attr = "parent"

    class Meta:
        ordering = ["tree_id", "lft"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status"], name="comment_article_status_idx"),
            models.Index(fields=["tree_id", "lft"], name="comment_tree_order_idx"),
            models.Index(fields=["status", "created"], name="comment_queue_idx"),
            # The moderation list: newest first, all of them or one status (the pending queue).
            models.Index(fields=["-created", "-id"], name="comment_recent_idx"),
            models.Index(fields=["status", "-created", "-id"], name="comment_status_recent_idx"),
            # The comment feed: an article's approved comments, newest first, read in order.
            models.Index(fields=["article", "status", "-created", "-id"], name="comment_feed_idx"),
            # Personal data by address, whatever its case (author_email__iexact: UPPER = UPPER).
            models.Index(Upper("author_email"), name="comment_email_upper_idx"),
            # A commenter's record: counts by status, their newest comments, the filtered list.
            models.Index(
                fields=["commenter", "status"],
                name="comment_commenter_status_idx",
                condition=~models.Q(commenter=""),
            ),
            models.Index(
                fields=["commenter", "-created", "-id"],
                name="comment_commenter_recent_idx",
                condition=~models.Q(commenter=""),
            ),
            # The queue filtered by the rule that decided.
            models.Index(
                fields=["held_rule", "-created", "-id"],
                name="comment_rule_recent_idx",
                condition=~models.Q(held_rule=""),
            ),
            # clear_old_ips: only the rows that still hold an IP address or a user agent.
            models.Index(
                fields=["created"],
                name="comment_holds_ip_idx",
                condition=models.Q(ip_address__isnull=False) | ~models.Q(user_agent=""),
            ),
        ]
        constraints = [
            # One root per thread: two threads can never share a tree_id.
            models.UniqueConstraint(
                fields=["tree_id"],
                condition=models.Q(parent__isnull=True),
                name="comment_one_root_per_tree",
            ),
            # However a website was written (form, shell, fixture, import): http(s) or nothing.
            models.CheckConstraint(
                condition=models.Q(author_url="")
                | models.Q(author_url__istartswith=WEB_SCHEMES[0])
                | models.Q(author_url__istartswith=WEB_SCHEMES[1]),
                name="comment_author_url_http",
                violation_error_message=_("Enter a web address starting with http:// or https://."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        self.derive_rendering()
        super().save(*args, **kwargs)

    def derive_rendering(self) -> None:
        """What is stored beside the typed fields; bulk inserts (imports) call it too."""
        self.body_html = render_comment_text(self.body)
        self.avatar_colour = avatar_colour_for(self.author_email or self.author_name)
        self.commenter = commenter_key(user_id=self.user_id, email=self.author_email)

    def get_absolute_url(self):
        """The permanent address (comments.permalink): it redirects to the page showing it."""
        return reverse("comments:permalink", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.author_name or str(_("Anonymous"))

    @property
    def depth(self) -> int:
        """1 for a top-level comment, as readers count."""
        return self.level + 1

    @property
    def initials(self) -> str:
        return initials_of(self.author_name)


def avatar_colour_for(identity: str) -> int:
    """A colour index derived locally with a keyed HMAC: stable per person, reveals nothing."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), identity.strip().lower().encode(), hashlib.sha256
    ).digest()
    return digest[0] % AVATAR_COLOURS


class CommentOrder(models.TextChoices):
    """How the threads of a discussion follow each other (replies stay in their thread's order)."""

    OLDEST = "oldest", _("Oldest first")
    NEWEST = "newest", _("Newest first")
    REPLIES = "replies", _("Most replies")


class DefaultPage(models.TextChoices):
    FIRST = "first", _("First page")
    LAST = "last", _("Last page")


class DiscussionSettings(models.Model):
    """WordPress's "Discussion settings": one row, edited by staff in the admin.

    Before anyone saves it, the defaults come from Django settings (COMMENTS_*). Read it through
    comments.conf.discussion(), which caches it; saving invalidates that cache, so a change takes
    effect on the next request in every process sharing the cache.
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

    @classmethod
    def from_django_settings(cls) -> "DiscussionSettings":
        """The unsaved defaults, read from Django settings."""
        from comments import conf

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
        )

    @staticmethod
    def entries(text: str) -> list[str]:
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


class CommentRevision(models.Model):
    """An earlier version of a comment its author edited: moderators can read what changed."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("text before the edit"))
    status = models.CharField(_("status before the edit"), max_length=10, choices=Comment.Status)
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["comment", "-replaced_at", "-pk"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self):
        return f"{self.comment_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class CommentFlag(models.Model):
    """A reader's report that a comment breaks the rules. One per reader and comment: a reader
    is their account, or otherwise a keyed hash of their address (the address is not stored).
    What it counts as towards hiding the comment is its source: the account, or a keyed hash
    of the address's network (comments.flags)."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or hateful")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        DISMISSED = "dismissed", _("Dismissed: the comment stays")
        ACTIONED = "actioned", _("Acted on: the comment was removed")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    text = models.CharField(_("details"), max_length=500, blank=True)
    reporter = models.CharField(_("reporter"), max_length=64, editable=False)
    source = models.CharField(
        _("source"),
        max_length=64,
        editable=False,
        default="",
        help_text=_("The account, or a keyed hash of the network the report came from."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    created = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["comment", "state"], name="flag_comment_state_idx"),
            models.Index(fields=["source", "state"], name="flag_source_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="flag_one_per_reader")
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment_id}"


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


def role_of(user, article) -> str:
    """The badge a comment by `user` on `article` carries: only ever from a logged-in account."""
    if user is None or not user.is_authenticated:
        return Comment.Role.NONE
    if article.author.user_id == user.pk:
        return Comment.Role.AUTHOR
    if user.is_staff:
        return Comment.Role.STAFF
    return Comment.Role.NONE


class CommenterAddress(models.Model):
    """An email address used to comment, and whether it has proved itself.

    "Approve returning commenters" trusts an address only once a link sent to it was followed
    (comments.verification): a typed address proves nothing, anyone can type a regular's.
    """

    email = models.EmailField(_("email"), max_length=254, unique=True, help_text=_("Lower case."))
    asked_at = models.DateTimeField(_("confirmation last sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("commenter address")
        verbose_name_plural = _("commenter addresses")

    def __str__(self):
        return self.email


# The moderators' desk keeps its own models in their own module (re-exported here).
from comments.desk_models import ModerationAction, Suspension  # noqa: E402, F401
