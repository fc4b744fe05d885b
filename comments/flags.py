"""Readers report comments; reports from enough different readers hide one until a moderator
looks, and never let a few people take a comment down on their own.

A reader is their account when logged in, otherwise a keyed hash of their address (the address
itself is not stored): one report per reader and comment. Reports go through the bot checks of
every public form and a rate limit per address.

What counts towards hiding is the report's *source*: the account, or a keyed hash of the network
the address belongs to (IPv4 /24, IPv6 /64), since one person easily has many addresses of one
network. A source whose reports moderators keep dismissing (COMMENTS_FLAG_DISMISSED_LIMIT
dismissed, more than acted on) stops counting. When the open reports of a comment come from the
discussion's threshold of counted sources, the comment goes back to pending, held with the
reason, unless it is protected (by staff, by the article's author, or by a commenter in good
standing): then it stays on the page and the moderators are told; the open reports show it in
the queue's "reports from readers" filter either way. Approving dismisses the reports, rejecting
or marking as spam acts on them (both moderation services, one comment or many, call
flags_resolve).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from comments import conf, discussion, notifications, selectors
from comments.counts import StatusChange, counts_follow
from comments.models import Comment, CommentFlag
from core import ratelimit
from core.client_address import network_of

RATE_WINDOW = 3600


class FlagRefused(Exception):
    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def reporter_of(*, user=None, ip_address: str | None) -> str:
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"flag|{ip_address or ''}".encode(), hashlib.sha256
    ).hexdigest()
    return f"ip:{digest[:48]}"


def source_of(*, user=None, ip_address: str | None) -> str:
    """What a report counts as towards hiding: the account, else the address's network (a
    keyed hash of it, never the network itself)."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    network = network_of(ip_address) or ""
    digest = salted_hmac("comments.flag-network", network, algorithm="sha256").hexdigest()
    return f"net:{digest[:48]}"


def _rate_key(reporter: str) -> str:
    return f"comments:flag-rate:{reporter}"


def rate_limited(reporter: str) -> bool:
    return ratelimit.reached(_rate_key(reporter), limit=conf.get("COMMENTS_FLAG_RATE_LIMIT"))


def _count_flag(reporter: str) -> None:
    ratelimit.count(_rate_key(reporter), window=RATE_WINDOW)


def open_flags(comment: Comment):
    return comment.flags.filter(state=CommentFlag.State.OPEN)


def comment_flag(
    *, comment: Comment, reason: str, text: str = "", user=None, ip_address: str | None = None
) -> CommentFlag | None:
    """Record a report; hide the comment pending review once enough readers reported it.

    Returns the report, or None when this reader had already reported the comment (they are
    thanked the same way: nothing tells them whether others reported it).
    """
    if comment.status != Comment.Status.APPROVED:
        raise FlagRefused(_("This comment is not published, so it cannot be reported."), 404)
    if reason not in CommentFlag.Reason.values:
        raise FlagRefused(_("Choose why you are reporting this comment."))
    if reason == CommentFlag.Reason.OTHER and not text.strip():
        raise FlagRefused(_("Tell the moderators what is wrong with this comment."))
    reporter = reporter_of(user=user, ip_address=ip_address)
    if rate_limited(reporter):
        raise FlagRefused(_("You have sent many reports: wait an hour, then try again."), 429)
    user = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            flag = CommentFlag.objects.create(
                comment=comment, reason=reason, text=text.strip()[:500], reporter=reporter,
                source=source_of(user=user, ip_address=ip_address), user=user,
            )  # fmt: skip
            _hide_if_reported_enough(comment)
    except IntegrityError:
        return None  # Already reported by this reader.
    finally:
        _count_flag(reporter)
    return flag


def _hide_if_reported_enough(comment: Comment) -> None:
    threshold = discussion.current().flag_threshold
    if not threshold:
        return
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("article__author", "user")
        .get(pk=comment.pk)
    )
    if comment.status != Comment.Status.APPROVED:
        return
    count = counted_sources(comment)
    if count < threshold:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(_("reported by %d readers") % count)[:200]
    if protected_from_reports(comment):
        if count == threshold:  # told once, when the reports first reach the threshold
            transaction.on_commit(lambda: notifications.comment_reported(comment, reason=reason))
        return
    comment.status = Comment.Status.PENDING
    comment.held_reason = reason
    comment.held_rule = Comment.Rule.REPORTS
    comment.save(update_fields=["status", "held_reason", "held_rule", "updated"])
    counts_follow(
        [StatusChange(comment.article_id, comment.tree_id, Comment.Status.APPROVED, comment.status)]
    )
    transaction.on_commit(lambda: notifications.comment_held(comment))


def counted_sources(comment: Comment) -> int:
    """How many different sources (accounts, networks) the open reports of a comment come from,
    leaving out the sources moderators no longer trust."""
    sources = set(open_flags(comment).values_list("source", flat=True))
    return len(sources - distrusted_sources(sources))


def distrusted_sources(sources) -> set[str]:
    """Of `sources`, those whose reports moderators keep dismissing: at least
    COMMENTS_FLAG_DISMISSED_LIMIT dismissed, and more dismissed than acted on."""
    limit = conf.get("COMMENTS_FLAG_DISMISSED_LIMIT")
    if not limit or not sources:
        return set()
    record = (
        CommentFlag.objects.filter(source__in=sources)
        .exclude(state=CommentFlag.State.OPEN)
        .order_by()
        .values("source")
        .annotate(
            dismissed=Count("pk", filter=Q(state=CommentFlag.State.DISMISSED)),
            actioned=Count("pk", filter=Q(state=CommentFlag.State.ACTIONED)),
        )
    )
    return {
        row["source"]
        for row in record
        if row["dismissed"] >= limit and row["dismissed"] > row["actioned"]
    }


def protected_from_reports(comment: Comment) -> bool:
    """Whether reports send a comment to the moderators instead of off the page: written by
    staff or by the article's author (the badge it was posted with, or the account now), or
    by a commenter in good standing."""
    if comment.author_role in (Comment.Role.STAFF, Comment.Role.AUTHOR):
        return True
    if comment.user is not None and (
        comment.user.is_staff or comment.user_id == comment.article.author.user_id
    ):
        return True
    return commenter_in_good_standing(comment)


def commenter_in_good_standing(comment: Comment) -> bool:
    """The one test of a commenter's standing (comments.selectors), as the discussion rules use
    it: at least the high mark, not counting this comment, by an account or by an address that
    has proved itself (comments.verification: a typed address alone proves nothing)."""
    key = comment.commenter
    if not key or not selectors.is_proven(key=key, email=comment.author_email):
        return False
    standing = selectors.commenter_standing(key, exclude_pk=comment.pk)
    return standing >= discussion.current().standing_high


def flags_resolve(*, comment_ids, status: str) -> int:
    """A moderator decided (on one comment or many): approving dismisses the open reports,
    removing acts on them."""
    if status == Comment.Status.PENDING:
        return 0
    state = (
        CommentFlag.State.DISMISSED
        if status == Comment.Status.APPROVED
        else CommentFlag.State.ACTIONED
    )
    return CommentFlag.objects.filter(
        comment_id__in=comment_ids, state=CommentFlag.State.OPEN
    ).update(state=state, resolved_at=timezone.now())


def open_flag_count():
    """For the moderation queue's list query: how many open reports a comment has."""
    counted = (
        CommentFlag.objects.filter(comment=OuterRef("pk"), state=CommentFlag.State.OPEN)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
