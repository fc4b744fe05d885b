"""Per-article lists of comment ids kept in a visitor's session, under one key each: the
commenter's held comments (own_pending) and the comments this browser may edit (editing).

Only a visitor who already has a session is read: most readers cost no query here.
"""

from django.conf import settings


def ids(request, key: str, article_id: int) -> frozenset:
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return frozenset()
    return frozenset(request.session.get(key, {}).get(str(article_id), ()))


def add(request, key: str, article_id: int, pk: int, *, keep: int) -> None:
    """Add `pk` to the article's list, keeping the newest `keep`."""
    lists = request.session.get(key, {})
    lists[str(article_id)] = [*lists.get(str(article_id), []), pk][-keep:]
    request.session[key] = lists


def replace(request, key: str, article_id: int, pks: frozenset) -> None:
    """The article's list becomes `pks` (gone from the session when empty)."""
    lists = request.session.get(key, {})
    if pks:
        lists[str(article_id)] = sorted(pks)
    else:
        lists.pop(str(article_id), None)
    request.session[key] = lists
