"""A commenter's own held comments, remembered in their session (WordPress shows them too).

Only the browser that posted a comment sees it while it awaits moderation. Once moderated it is
dropped from the list, so the reader goes back to the shared, cached page.
"""

from comments import session_lists

SESSION_KEY = "comments_own_pending"
KEEP_PER_ARTICLE = 50


def own_pending_ids(request, article_id: int) -> frozenset:
    return session_lists.ids(request, SESSION_KEY, article_id)


def add_own_pending(request, comment) -> None:
    session_lists.add(request, SESSION_KEY, comment.article_id, comment.pk, keep=KEEP_PER_ARTICLE)


def keep_only(request, article_id: int, still_pending: frozenset) -> None:
    session_lists.replace(request, SESSION_KEY, article_id, still_pending)
