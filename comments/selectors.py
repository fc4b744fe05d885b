"""Reads of comments that other modules (the admin, its templatetags) need."""

from comments.models import Comment, DiscussionCount


def pending_comment_count() -> int:
    """What waits for a moderator: one COUNT on the (status, created) index, never cached."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


def discussion_counts(article_id: int) -> tuple[int, int]:
    """(approved comments, threads shown) of an article's discussion, as kept by
    comments.counts: one primary-key read, whatever the size of the discussion."""
    row = DiscussionCount.objects.filter(pk=article_id).values_list("approved", "threads").first()
    return row or (0, 0)
