import hashlib
import hmac

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from blog.models import Article
from comments.identity import commenter_key
from core.models import TimeStampedModel, initials_of
from core.sanitizer import render_comment_text
from core.web_address import WEB_SCHEMES

AVATAR_COLOURS = 12


class _Plain(models.Func):
    """An expression whose value the database already gives as Python wants it: no converter
    runs on each of a thousand rows (Django's converters cost more than the query)."""

    def get_db_converters(self, connection):
        return []


def as_given(expression, output_field) -> models.Func:
    """`expression` as the database gives it (an int, a count, 0 or 1), with no converter."""
    return _Plain(expression, template="%(expressions)s", output_field=output_field)


class _Seconds(_Plain):
    """A moment as whole seconds since the epoch (UTC), an int on every backend."""

    template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)"
    output_field = models.BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps the moment as UTC text; strftime("%s") reads it, fractions and all.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )


class _IsSet(_Plain):
    """1 if the column holds a value, else 0 (the markup shows only that a moment exists)."""

    template = "CASE WHEN %(expressions)s IS NULL THEN 0 ELSE 1 END"
    output_field = models.IntegerField()


# What a row of the rendered tree carries beyond Comment.TREE_FIELDS (comments.render): the
# moment posted in seconds, and whether it was edited or picked.
TREE_ANNOTATIONS = {
    "posted": lambda: _Seconds("created"),
    "edited": lambda: _IsSet("edited_at"),
    "picked": lambda: _IsSet("picked_at"),
}


class CommentQuerySet(TreeQuerySet):
    def public(self):
        """The one rule for who may see a comment: approved, nothing else."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_article(self, article):
        return self.filter(article=article)

    def by_commenter(self, *keys: str):
        """The comments of these commenters (comments.identity keys; "" is nobody).

        The commenter indexes are partial (rows without a key are left out), and SQLite uses a
        partial index only when the query restates its condition: without the exclusion, a
        commenter's standing counted every comment of the site on each post.
        """
        keys = [key for key in keys if key]
        lookup = {"commenter": keys[0]} if len(keys) == 1 else {"commenter__in": keys}
        return self.filter(**lookup).exclude(commenter="")

    def visible_tree(self, article, *, also_pk=(), threads=None):
        """What the article page shows, in tree order, in one query.

        Approved comments, plus any hidden comment that still has approved replies (it renders as
        a placeholder so the thread keeps its shape), plus `also_pk`: the viewer's own pending
        comments. Plain named rows, not model instances (a tenth of the cost each), and the
        email column is never loaded. `threads` (a query of the article's tree_ids) limits it to
        those threads: they are then what selects the rows (a thread is one article's), so the
        database reads a page's threads by the tree index, not every comment of the article.
        """
        approved_below = Comment.objects.public().filter(
            tree_id=models.OuterRef("tree_id"),
            lft__gt=models.OuterRef("lft"),
            rght__lt=models.OuterRef("rght"),
        )
        shown = models.Q(status=Comment.Status.APPROVED) | models.Exists(approved_below)
        if also_pk:
            shown |= models.Q(pk__in=list(also_pk), status=Comment.Status.PENDING)
        rows = self.filter(article=article) if threads is None else self.filter(tree_id__in=threads)
        return (
            rows.filter(shown)
            .annotate(**{name: make() for name, make in TREE_ANNOTATIONS.items()})
            .order_by("tree_id", "lft")
            .values_list(*Comment.TREE_FIELDS, *TREE_ANNOTATIONS, named=True)
        )


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    pass


class Comment(MPTTModel, TimeStampedModel):
    class Role(models.TextChoices):
        """A verified badge, from the account that wrote the comment, never from typed fields."""

        NONE = "", _("Reader")
        AUTHOR = "author", _("Author")
        STAFF = "staff", _("Editorial staff")
        # Posted on another server and delivered signed (the fediverse app checked who sent it).
        FEDIVERSE = "fediverse", _("Fediverse")

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
    # address (comments.identity), never the address itself; derived on save. A reply from the
    # fediverse: a keyed hash of the actor that signed it.
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

    # Editors' picks ("Scelti dalla redazione", comments.picks): when a moderator picked it.
    picked_at = models.DateTimeField(
        _("picked by the editors"), null=True, blank=True, editable=False
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
        "tree_id",
        "lft",
        "rght",
        "level",
        "picked_at",
    )

    # A row of the rendered tree (Comment.objects.visible_tree): what the markup shows, with the
    # three moments as TREE_ANNOTATIONS (no datetime converted per row).
    TREE_FIELDS = tuple(
        name for name in RENDER_FIELDS if name not in {"created", "edited_at", "picked_at"}
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
            # A comment page's threads: an article's roots in tree order, read up to the page's
            # last one, whatever the size of the discussion (comments.paging).
            models.Index(
                fields=["article", "tree_id"],
                name="comment_article_roots_idx",
                condition=models.Q(parent__isnull=True),
            ),
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
            # Editors' picks: an article's band, newest pick first, and the threads holding one
            # (the "picks" order), read on the picked rows only, whatever the discussion's size.
            models.Index(
                fields=["article", "-picked_at"],
                name="comment_picks_idx",
                condition=models.Q(picked_at__isnull=False),
            ),
            models.Index(
                fields=["tree_id"],
                name="comment_tree_picks_idx",
                condition=models.Q(picked_at__isnull=False),
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
        if not (self.author_role == Comment.Role.FEDIVERSE and self.commenter):
            # A reply from the fediverse keeps the key of the actor that signed it (set by
            # comments.services.comment_post_remote): it has neither account nor address.
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


def role_of(user, article) -> str:
    """The badge a comment by `user` on `article` carries: only ever from a logged-in account."""
    if user is None or not user.is_authenticated:
        return Comment.Role.NONE
    if article.author.user_id == user.pk:
        return Comment.Role.AUTHOR
    if user.is_staff:
        return Comment.Role.STAFF
    return Comment.Role.NONE
