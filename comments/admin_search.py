"""The moderation list's search, narrowed so that an index serves every part of it.

On PostgreSQL a term finds comments whose name starts with it, whose text contains its words
(to_tsvector('simple'): whole words, no stemming, any language), whose email is it (ignoring
case) or whose IP address is it; migration 0005 and the model's indexes cover each. Elsewhere
(SQLite, the demo) it is Django's plain search over the same fields.
"""

import contextlib
from ipaddress import ip_address

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import F, Func, Q

PLAIN_SEARCH_FIELDS = ["author_name", "author_email", "body", "ip_address"]


def body_words():
    """to_tsvector('simple', body): the expression of comment_body_words_idx, exactly."""
    return Func(
        F("body"),
        template="to_tsvector('simple'::regconfig, %(expressions)s)",
        output_field=SearchVectorField(),
    )


def indexed_search(queryset, term: str, *, by_address: bool = True):
    """`queryset` narrowed to `term` through indexes (PostgreSQL); None elsewhere. Without
    `by_address` (a moderator who may not see addresses) an address matches nothing."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    term = term.strip()
    if not term:
        return queryset
    matches = Q(author_name__istartswith=term)
    matches |= Q(body_words=SearchQuery(term, config="simple", search_type="plain"))
    if "@" in term and by_address:
        matches |= Q(author_email__iexact=term)
    with contextlib.suppress(ValueError):
        matches |= Q(ip_address=str(ip_address(term)))
    return queryset.alias(body_words=body_words()).filter(matches)
