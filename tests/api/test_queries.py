"""Listings and details cost the same number of queries whatever they hold."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_category, make_comment, make_tag

pytestmark = pytest.mark.django_db


def queries_for(path: str) -> int:
    cache.clear()  # measured cold: the site's cached page of a discussion would hide the cost
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_article_list_queries_do_not_grow_with_the_articles():
    tags, category = [make_tag(), make_tag()], make_category()
    make_article(tags=tags, category=category)
    few = queries_for("/api/v1/articles/")
    for _ in range(8):
        make_article(tags=tags, category=category)
    assert queries_for("/api/v1/articles/") == few


def test_discussion_queries_do_not_grow_with_the_comments():
    article = make_article()
    make_comment(article)
    path = f"/api/v1/articles/{article.pk}/comments/"
    few = queries_for(path)
    for _ in range(5):
        parent = make_comment(article)
        make_comment(article, parent=parent)
    assert queries_for(path) == few
