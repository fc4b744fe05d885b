"""Queries that must stay cheap on a large site: each uses its index and a fixed number of queries.

EXPLAIN checks run on PostgreSQL only (the planner is asked with sequential scans discouraged, so a
tiny test table still shows which index can serve the query); query counts hold everywhere.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.feeds import COMMENTS_PER_FEED
from comments.models import Comment
from comments.services import comment_ips_clear
from tests.comments.helpers import age
from tests.factories import make_article, make_comment
from tests.planner import filter_plan, ordered_plan, postgresql_only

pytestmark = pytest.mark.django_db


# The comment feed.


def feed_queryset(article):
    return (
        Comment.objects.public()
        .filter(article=article)
        .order_by("-created", "-pk")[:COMMENTS_PER_FEED]
    )


def crowd_other_articles(comment, copies: int):
    """Copies of `comment` under another article: with one row the planner cannot tell an index
    serving (article, status, created) from one serving (status, created) and a filter; with
    thousands of approved comments elsewhere it can. No ANALYZE: its row estimate would outlive
    the rollback and mislead the next tests' plans (a never-analysed table is estimated from
    its size on disk, which these rows make large)."""
    other = make_article()
    columns = [f.column for f in Comment._meta.concrete_fields if not f.primary_key]
    values = [
        {"article_id": "%s", "tree_id": "c.tree_id + g"}.get(column, f"c.{column}")
        for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Comment._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {Comment._meta.db_table} c, "
            "generate_series(1, %s) g WHERE c.id = %s",
            [other.pk, copies, comment.pk],
        )
    return other


@postgresql_only
def test_comment_feed_reads_its_index_in_order_without_sorting():
    article = make_article()
    crowd_other_articles(make_comment(article), copies=3000)
    make_comment(article)

    plan = ordered_plan(feed_queryset(article))

    assert "comment_feed_idx" in plan
    assert "Sort" not in plan


def test_comment_feed_costs_the_same_queries_whatever_the_number_of_comments(client):
    counts = {}
    for size in (1, 8):
        article = make_article()
        for _ in range(size):
            make_comment(article)
        url = article.get_absolute_url() + "feed/"
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[size] = len(queries)

    assert counts[1] == counts[8]


# Personal data by address.


@postgresql_only
def test_lookup_by_address_ignoring_case_uses_the_upper_email_index():
    crowd_other_articles(make_comment(make_article(), author_email="altri@example.com"), 3000)
    make_comment(make_article(), author_email="Anna@Example.com")

    plan = filter_plan(Comment.objects.filter(author_email__iexact="anna@example.COM"))

    assert "comment_email_upper_idx" in plan


def test_lookup_by_address_ignoring_case_finds_every_spelling():
    article = make_article()
    make_comment(article, author_email="Anna@Example.com")
    make_comment(article, author_email="anna@example.com")
    make_comment(article, author_email="other@example.com")

    assert Comment.objects.filter(author_email__iexact="ANNA@EXAMPLE.COM").count() == 2


# clear_old_ips.


def test_clear_old_ips_works_in_batches_and_clears_every_old_comment():
    article = make_article()
    old = [make_comment(article, ip_address="198.51.100.9", user_agent="UA") for _ in range(5)]
    recent = make_comment(article, ip_address="198.51.100.10")
    for comment in old:
        age(comment, 100)

    with CaptureQueriesContext(connection) as queries:
        cleared = comment_ips_clear(older_than_days=90, batch_size=2)

    assert cleared == 5
    updates = [q for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3  # 2 + 2 + 1
    assert not Comment.objects.filter(pk__in=[c.pk for c in old], ip_address__isnull=False)
    assert Comment.objects.get(pk=recent.pk).ip_address == "198.51.100.10"


def test_clear_old_ips_touches_no_row_that_holds_nothing_any_more():
    article = make_article()
    comment = make_comment(article, ip_address="198.51.100.9", user_agent="UA")
    age(comment, 100)
    comment_ips_clear(older_than_days=90)
    updated = Comment.objects.get(pk=comment.pk).updated

    with CaptureQueriesContext(connection) as queries:
        assert comment_ips_clear(older_than_days=90) == 0

    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    assert Comment.objects.get(pk=comment.pk).updated == updated


def test_clear_old_ips_counts_a_comment_with_only_a_user_agent_left():
    comment = make_comment(make_article(), ip_address=None, user_agent="UA")
    age(comment, 100)

    assert comment_ips_clear(older_than_days=90) == 1
    assert Comment.objects.get(pk=comment.pk).user_agent == ""


@postgresql_only
def test_clear_old_ips_finds_its_rows_through_the_partial_index():
    comment = make_comment(make_article(), ip_address="198.51.100.9")
    age(comment, 100)
    cutoff = timezone.now() - datetime.timedelta(days=90)
    from django.db.models import Q

    holding = Comment.objects.filter(
        Q(ip_address__isnull=False) | ~Q(user_agent=""), created__lt=cutoff
    ).order_by("created")[:5000]

    assert "comment_holds_ip_idx" in filter_plan(holding.values_list("pk", flat=True))


# The moderation list's default order, for all comments and for one status.


@postgresql_only
def test_newest_comments_first_read_an_index_in_order():
    make_comment(make_article())

    plan = ordered_plan(Comment.objects.order_by("-created", "-pk")[:100])

    assert "comment_recent_idx" in plan
    assert "Sort" not in plan


@postgresql_only
def test_the_pending_queue_reads_an_index_in_order():
    # As on a real site, held comments are few among the approved ones: with statistics saying
    # so, an index walked in date order with the status as a filter (comment_recent_idx, equal
    # in cost on a near-empty table, so chosen by chance) reads every comment to find them.
    article = make_article()
    for _ in range(40):
        make_comment(article)
    make_comment(article, status="pending")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")

    plan = ordered_plan(Comment.objects.filter(status="pending").order_by("-created", "-pk")[:100])

    assert "comment_status_recent_idx" in plan
    assert "Sort" not in plan


# The discussion rules: read from the shared cache once per request.


def test_an_article_page_reads_the_discussion_rules_from_the_cache_once(monkeypatch):
    from django.core.cache import cache
    from django.test import Client

    from comments import conf, discussion

    article = make_article()
    for _ in range(3):
        make_comment(article)
    reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == conf.DISCUSSION_CACHE_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    response = Client().get(article.get_absolute_url())  # rendered: nothing kept yet

    assert response.status_code == 200
    assert len(reads) == 1
    # Outside a request every call reads the shared copy: a worker never keeps old rules.
    discussion.current()
    discussion.current()
    assert len(reads) == 3
