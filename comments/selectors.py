"""Reads of comments that other modules (the admin, its templatetags, the rules) need.

The moderators' desk reads a commenter's record here: a commenter is their account, else a
keyed hash of their address (comments.identity, stored on each comment as `commenter`). Every
read is a fixed number of queries on the (commenter, ...) indexes, whatever the number of
comments.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils.text import Truncator

from comments.identity import commenter_key, is_account, is_actor
from comments.models import (
    Comment,
    CommenterAddress,
    CommentFlag,
    DiscussionCount,
    ModerationAction,
    SectionDesk,
    Suspension,
)

RECENT = 20
PICK_EXCERPT = 280  # characters of a pick the article's band shows
REMOVED = (Comment.Status.REJECTED, Comment.Status.SPAM)


def pending_comment_count() -> int:
    """What waits for a moderator: one COUNT on the (status, created) index, never cached."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


def desk_sections(user) -> frozenset[int]:
    """The categories of a moderator's section desk (empty: no desk, they look after all)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(
        SectionDesk.categories.through.objects.filter(
            sectiondesk__moderator_id=user.pk
        ).values_list("category_id", flat=True)
    )


def section_desks(*, user_ids) -> dict[int, frozenset[int]]:
    """The section desks of these moderators, by user id: one query (no entry: no desk)."""
    desks: dict[int, set[int]] = {}
    rows = SectionDesk.categories.through.objects.filter(
        sectiondesk__moderator_id__in=list(user_ids)
    ).values_list("sectiondesk__moderator_id", "category_id")
    for user_id, category_id in rows:
        desks.setdefault(user_id, set()).add(category_id)
    return {user_id: frozenset(ids) for user_id, ids in desks.items()}


PENDING_BY_SECTION_KEY = "comments:pending-by-section:"
PENDING_BY_SECTION_SECONDS = 300


def pending_by_section() -> dict[int | None, tuple[str, int]]:
    """How many comments wait for a moderator in each section, with its name (key None:
    articles without one).

    Counting them joins every article with waiting comments (about 90 ms at 906,000 comments),
    so the answer is kept in the shared cache under what the queue's own index says of the
    waiting comments, their number and the newest (one index-only aggregate): any comment
    held or moderated moves it, and the answer is at most PENDING_BY_SECTION_SECONDS old.
    """
    waiting = Comment.objects.filter(status=Comment.Status.PENDING)
    mark = waiting.aggregate(count=Count("created"), newest=Max("created"))
    newest = mark["newest"].timestamp() if mark["newest"] else ""
    key = f"{PENDING_BY_SECTION_KEY}{mark['count']}:{newest}"
    counts = cache.get(key)
    if counts is None:
        rows = (
            waiting.order_by()
            .values_list("article__category_id", "article__category__name")
            .annotate(waiting=Count("article_id"))  # in the (article, status) index
        )
        counts = {pk: (name or "", count) for pk, name, count in rows}
        cache.set(key, counts, timeout=PENDING_BY_SECTION_SECONDS)
    return counts


def discussion_counts(article_id: int) -> tuple[int, int]:
    """(approved comments, threads shown) of an article's discussion, as kept by
    comments.counts: one primary-key read, whatever the size of the discussion."""
    row = DiscussionCount.objects.filter(pk=article_id).values_list("approved", "threads").first()
    return row or (0, 0)


@dataclass(frozen=True)
class Pick:
    """One of the editors' picks as the article's band shows it: never an address."""

    id: int
    name: str
    excerpt: str
    author_role: str


def article_picks(article_id: int, limit: int) -> list[Pick]:
    """The article's editors' picks still approved, newest pick first: one query on the picked
    rows only (comment_picks_idx), whatever the size of the discussion."""
    rows = (
        Comment.objects.public()
        .filter(article_id=article_id, picked_at__isnull=False)
        .order_by("-picked_at", "-pk")
        .values_list("pk", "author_name", "body", "author_role")[:limit]
    )
    return [
        Pick(id=pk, name=name, excerpt=Truncator(body).chars(PICK_EXCERPT), author_role=role)
        for pk, name, body, role in rows
    ]


def standing_of(*, approved: int, removed: int) -> int:
    """Coral's rule, the one definition of standing: +1 per approved comment, -1 per rejected
    or spam."""
    return approved - removed


def commenter_standing(key: str, *, exclude_pk: int | None = None) -> int:
    """A commenter's standing, in one aggregate query (0 for nobody)."""
    if not key:
        return 0
    comments = Comment.objects.by_commenter(key)
    if exclude_pk is not None:
        comments = comments.exclude(pk=exclude_pk)
    counts = comments.aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        removed=Count("pk", filter=Q(status__in=REMOVED)),
    )
    return standing_of(**counts)


def has_approved_comment(key: str) -> bool:
    """Whether this commenter has a comment readers can see: one probe of the (commenter,
    status) index."""
    return bool(key) and Comment.objects.public().filter(commenter=key).exists()


def commenter_counts(keys) -> dict[str, tuple[int, int]]:
    """(standing, number of comments) of each of these commenters, in one grouped query: each
    commenter counted once however many of their comments a page of the queue shows."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    rows = (
        Comment.objects.by_commenter(*keys)
        .order_by()
        .values_list("commenter")
        .annotate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            removed=Count("pk", filter=Q(status__in=REMOVED)),
            total=Count("pk"),
        )
    )
    return {
        key: (standing_of(approved=approved, removed=removed), total)
        for key, approved, removed, total in rows
    }


def is_proven(*, key: str, email: str) -> bool:
    """An account, a fediverse actor (its signature proves it), or an address that followed a
    confirmation link (one query at most)."""
    if is_account(key) or is_actor(key):
        return True
    email = (email or "").strip().lower()
    return bool(email) and (
        CommenterAddress.objects.filter(email=email, confirmed_at__isnull=False).exists()
    )


@dataclass
class CommenterRecord:
    """What moderators see of a commenter beside any of their comments."""

    key: str
    kind: str  # "account", "fediverse", "proven", "typed" or "" (no name to match on)
    name: str
    email: str  # "" unless the moderator may see addresses
    counts: dict[str, int] = field(default_factory=dict)
    reported: int = 0
    first: datetime | None = None
    last: datetime | None = None
    recent: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    suspension: Suspension | None = None  # the one in force now, if any

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def standing(self) -> int:
        removed = self.counts.get(Comment.Status.REJECTED, 0)
        removed += self.counts.get(Comment.Status.SPAM, 0)
        return standing_of(approved=self.counts.get(Comment.Status.APPROVED, 0), removed=removed)


def _record_kind(key: str, *, proven: bool) -> str:
    if not key:
        return ""
    if is_account(key):
        return "account"
    if is_actor(key):
        return "fediverse"
    return "proven" if proven else "typed"


def commenter_record(comment: Comment, *, show_address: bool) -> CommenterRecord:
    """The record of the commenter who wrote `comment`: six queries, however many comments.

    The typed address appears only with `show_address` (the moderator's permission to see
    personal data); the key, a hash, is never shown as anything.
    """
    key = comment.commenter or commenter_key(user_id=comment.user_id, email=comment.author_email)
    proven = is_proven(key=key, email=comment.author_email) if key else False
    kind = _record_kind(key, proven=proven)
    record = CommenterRecord(
        key=key,
        kind=kind,
        name=comment.user.get_username() if kind == "account" else comment.author_name,
        email=comment.author_email if show_address and kind != "account" else "",
    )
    if not key:
        return record
    comments = Comment.objects.by_commenter(key)
    totals = comments.aggregate(
        first=Min("created"),
        last=Max("created"),
        reported=Count("pk", filter=Exists(CommentFlag.objects.filter(comment=OuterRef("pk")))),
        **{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values},
    )
    record.first, record.last, record.reported = (
        totals.pop("first"),
        totals.pop("last"),
        totals.pop("reported"),
    )
    record.counts = totals
    record.recent = list(
        comments.select_related("article")
        .only("pk", "status", "created", "body", "held_reason", "article__title")
        .order_by("-created", "-pk")[:RECENT]
    )
    record.actions = list(
        ModerationAction.objects.filter(commenter=key)
        .select_related("moderator")
        .order_by("-created", "-pk")[:RECENT]
    )
    record.suspension = Suspension.objects.active().filter(commenter=key).order_by("ends_at").last()
    return record


def approved_comments_by_article(article_ids, start: datetime, end: datetime) -> dict[int, int]:
    """How many comments readers can see, written from `start` (included) to `end` (not), on
    each of the articles named: for the editors' figures. One query on the articles' index."""
    rows = (
        Comment.objects.filter(
            article_id__in=list(article_ids),
            status=Comment.Status.APPROVED,
            created__gte=start,
            created__lt=end,
        )
        .order_by()  # the tree's ordering would split the groups
        .values("article_id")
        .annotate(n=Count("pk"))
        .values_list("article_id", "n")
    )
    return dict(rows)
