"""The moderators' log: every decision a moderator takes is kept with who and when.

The moderation services (comments.services) and the suspensions (comments.suspensions) write
here; a commenter's record (comments.selectors) and the comment's page read it.
"""

from collections.abc import Iterable

from django.utils import timezone

from comments.models import Comment, ModerationAction

STATUS_ACTIONS = {
    Comment.Status.APPROVED: ModerationAction.Kind.APPROVED,
    Comment.Status.REJECTED: ModerationAction.Kind.REJECTED,
    Comment.Status.SPAM: ModerationAction.Kind.SPAM,
    Comment.Status.PENDING: ModerationAction.Kind.PENDING,
}


def actions_log(
    *,
    comments: Iterable[Comment],
    kind: str,
    moderator,
    previous: dict[int, str] | None = None,
    note: str = "",
) -> int:
    """Log `kind` by `moderator` on each of `comments` in one INSERT; nothing without a
    moderator (the shell, imports and tests act as nobody). `previous` maps comment ids to the
    status they had. Returns how many rows were written."""
    if moderator is None or not getattr(moderator, "is_authenticated", False):
        return 0
    now = timezone.now()
    previous = previous or {}
    rows = [
        ModerationAction(
            comment_id=comment.pk,
            commenter=comment.commenter,
            moderator=moderator,
            kind=kind,
            previous_status=previous.get(comment.pk, ""),
            note=note[:200],
            created=now,
        )
        for comment in comments
    ]
    ModerationAction.objects.bulk_create(rows)
    return len(rows)


def status_change_log(
    *, comments: Iterable[Comment], status: str, moderator, previous, note: str = ""
) -> int:
    return actions_log(
        comments=comments,
        kind=STATUS_ACTIONS[status],
        moderator=moderator,
        previous=previous,
        note=note,
    )
