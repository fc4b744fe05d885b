"""A commenter's own held comments, remembered in their session (WordPress shows them too).

Only the browser that posted a comment sees it while it awaits moderation. Once moderated it is
dropped from the list, so the reader goes back to the shared, cached page.
"""

from django.conf import settings

SESSION_KEY = "comments_own_pending"
KEEP_PER_ARTICLE = 50


def own_pending_ids(request, article_id: int) -> frozenset:
    # Only touch the session when the visitor has one: most readers cost no query here.
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return frozenset()
    return frozenset(request.session.get(SESSION_KEY, {}).get(str(article_id), ()))


def add_own_pending(request, comment) -> None:
    own = request.session.get(SESSION_KEY, {})
    key = str(comment.article_id)
    own[key] = [*own.get(key, []), comment.pk][-KEEP_PER_ARTICLE:]
    request.session[SESSION_KEY] = own


def keep_only(request, article_id: int, still_pending: frozenset) -> None:
    own = request.session.get(SESSION_KEY, {})
    key = str(article_id)
    if still_pending:
        own[key] = sorted(still_pending)
    else:
        own.pop(key, None)
    request.session[SESSION_KEY] = own
