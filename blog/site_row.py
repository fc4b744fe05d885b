"""The one row the site state rides on, and what the frame needs from it.

blog.conditional reads the site state (newest publication, active promo, next change) as one
query of one-value subqueries; they need a row to ride on, and the article page reads them in
the query it already makes for the article. The frame around every page shows the menus, which
live above blog (pages' navigation row): pages registers that row here from its
AppConfig.ready(), so its data comes with the article in the same query and blog imports
nothing of pages.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import JSONField, QuerySet, Subquery


@dataclass(frozen=True)
class SiteRow:
    # The attribute a row of the article's query carries the data under (and the request
    # keeps it under for the frame): "site_navigation".
    name: str
    rows: Callable[[], QuerySet]  # the one row, as a queryset
    field: str  # its JSON column


_row: SiteRow | None = None


def register(row: SiteRow) -> None:
    global _row
    _row = row


def annotations() -> dict:
    """The registered row's data as an annotation, for the article's query."""
    if _row is None:
        return {}
    data = _row.rows().values(_row.field)[:1]
    return {_row.name: Subquery(data, output_field=JSONField())}


def carrier() -> QuerySet | None:
    """The one row, for queries of one-value subqueries; None when no app registered one."""
    return _row.rows() if _row is not None else None
