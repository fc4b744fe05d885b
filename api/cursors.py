"""Opaque, signed cursors for the article listings.

A listing in publication order moves on by keyset, (publish_at, pk) of the last article sent:
an article published meanwhile never shifts the next page. A search, ranked by relevance, moves
on by position, up to blog.search.COUNT_CAP like the site's search. A cursor the API did not sign
is refused (400), never trusted.
"""

from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "api.cursor"


class BadCursor(Exception):
    pass


def encode(**values) -> str:
    return signing.dumps(values, salt=SALT, compress=True)


def decode(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        values = signing.loads(raw, salt=SALT)
    except signing.BadSignature as error:
        raise BadCursor from error
    if not isinstance(values, dict):
        raise BadCursor
    return values


def after(queryset: QuerySet, cursor: dict) -> QuerySet:
    """The articles of a listing (newest first) that come after the cursor's."""
    if "at" not in cursor:
        return queryset
    try:
        at, pk = datetime.fromisoformat(cursor["at"]), int(cursor["pk"])
    except (KeyError, TypeError, ValueError) as error:
        raise BadCursor from error
    return queryset.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk))


def keyset_next(last) -> str:
    return encode(at=last.publish_at.isoformat(), pk=last.pk)


def offset_of(cursor: dict) -> int:
    try:
        offset = int(cursor.get("offset", 0))
    except (TypeError, ValueError) as error:
        raise BadCursor from error
    if offset < 0:
        raise BadCursor
    return offset
