"""Readers report comments; enough reports from different readers hide one until a moderator looks.

A reader is their account when logged in, otherwise a keyed hash of their address (the address
itself is not stored): one report per reader and comment, so one person cannot reach the
threshold alone by reporting again. Reports go through the bot checks of every public form and
a rate limit per address. When a comment reaches the discussion's threshold of open reports it
goes back to pending, held with the reason, and shows in the moderation queue with its report
count and reasons; approving it dismisses the reports, rejecting or marking it as spam acts on
them (both moderation services, one comment or many, call flags_resolve).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comments import conf, discussion, notifications
from comments.models import Comment, CommentFlag
from core import ratelimit

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
                user=user,
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
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    count = open_flags(comment).count()
    if comment.status != Comment.Status.APPROVED or count < threshold:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(_("reported by %d readers") % count)
    comment.status = Comment.Status.PENDING
    comment.held_reason = reason[:200]
    comment.save(update_fields=["status", "held_reason", "updated"])
    transaction.on_commit(lambda: notifications.comment_held(comment))


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
