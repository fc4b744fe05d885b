"""Reads of comments that other modules (the admin, its templatetags) need."""

from comments.models import Comment


def pending_comment_count() -> int:
    """What waits for a moderator: one COUNT on the (status, created) index, never cached."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()
