"""Email notifications about comments. Called by comments.services after commit."""

from comments.models import Comment


def comment_held(comment: Comment) -> None:
    """Tell the moderators a comment waits for them."""


def comment_approved(comment: Comment) -> None:
    """Tell the article's author, and the commenter replied to if they opted in."""
