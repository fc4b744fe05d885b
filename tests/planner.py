"""Asking PostgreSQL's planner which index a query can use, whatever the table's size.

Other tests grow the tables and statistics vary from run to run, so a test that just reads
EXPLAIN would see the planner pick whatever is cheapest today. Each helper switches off the
plans that would compete unfairly and leaves the question the test means to ask.
"""

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN: run with DATABASE_URL=postgres://..."
)


def _explain_with(queryset, *settings: str) -> str:
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
    return queryset.explain()


def filter_plan(queryset) -> str:
    """Which indexes can serve the query's conditions.

    Only bitmap scans are left: a bitmap scan needs an index condition, so an index walked
    just for its order (with the condition as a row-by-row filter) cannot win.
    """
    return _explain_with(queryset, "enable_seqscan", "enable_indexscan", "enable_indexonlyscan")


def ordered_plan(queryset) -> str:
    """Which index gives the query its rows already in order (plain index scans only).

    Sorting is priced out too: otherwise an index that serves only the condition, followed by a
    Sort, wins whenever the statistics (what earlier tests left in the tables) make it cheaper;
    so is incremental sorting (an index on a prefix of the order, each group sorted after).
    A query no index can order is still sorted, and shows it.
    """
    return _explain_with(
        queryset, "enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort"
    )
