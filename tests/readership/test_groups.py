"""The dashboard's groupings and reading depth read a few rows a day, whatever the number of
articles: the fold keeps article views per author and per category, and the articles' depth on
the site's row (#25, "at scale")."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from readership import selectors
from readership.fold import fold
from readership.models import DailyCount
from tests.factories import make_article, make_author, make_category
from tests.readership.conftest import OTHER_BROWSER, beacon

pytestmark = pytest.mark.django_db
DASHBOARD = "admin:readership_dailycount_changelist"


def row(kind, object_id):
    found = DailyCount.objects.filter(kind=kind, object_id=object_id).first()
    return found.views if found else 0


def test_the_fold_keeps_views_per_author_and_per_category(reader):
    sport, culture = make_category(name="Sport"), make_category(name="Cultura")
    anna, bruno = make_author(display_name="Anna"), make_author(display_name="Bruno")
    first = make_article(author=anna, category=sport)
    second = make_article(author=anna, category=culture)
    third = make_article(author=bruno, category=culture)
    for article, times in ((first, 3), (second, 2), (third, 1)):
        for _ in range(times):
            beacon(reader, k="article", i=article.pk)
    beacon(reader, k="page", i=first.pk)  # not an article: no group row
    fold()
    assert (row("by_author", anna.pk), row("by_author", bruno.pk)) == (5, 1)
    assert (row("by_category", sport.pk), row("by_category", culture.pk)) == (3, 3)
    today = timezone.localdate()
    assert selectors.top_groups("author", today, today) == [
        {"name": "Anna", "views": 5},
        {"name": "Bruno", "views": 1},
    ]


def test_the_articles_reading_depth_is_kept_on_the_sites_row(reader):
    article = make_article()
    beacon(reader, k="article", i=article.pk, e="s", d="4")
    beacon(reader, k="article", i=article.pk, e="s", d="2", user_agent=OTHER_BROWSER)
    beacon(reader, k="home", i=0, e="s", d="3")  # a listing's depth is not an article's
    fold()
    today = timezone.localdate()
    assert selectors.reading_depth(today, today) == {
        "quarter": 0,
        "half": 1,
        "three_quarters": 0,
        "all": 1,
    }


def test_rows_folded_before_the_groups_get_them_from_the_migration():
    migration = importlib.import_module("readership.migrations.0003_groups_and_periods")
    author, category = make_author(), make_category()
    article = make_article(author=author, category=category)
    today = timezone.localdate()
    DailyCount.objects.create(day=today, kind="article", object_id=article.pk, views=7, read_all=2)
    DailyCount.objects.create(day=today, kind="site", object_id=0, views=7)
    migration.add_groups_and_depth(apps, None)
    assert (row("by_author", author.pk), row("by_category", category.pk)) == (7, 7)
    assert DailyCount.objects.get(kind="site").read_all == 2


def test_the_dashboard_takes_the_same_queries_for_3_or_30_articles_read(admin_client, reader):
    def queries_with(count):
        DailyCount.objects.all().delete()
        for _ in range(count):
            article = make_article(author=make_author(), category=make_category())
            beacon(reader, k="article", i=article.pk)
        fold()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse(DASHBOARD)).status_code == 200
        return len(captured.captured_queries)

    assert queries_with(3) == queries_with(30)


def test_an_articles_figures_take_the_same_queries_for_a_day_or_two_years_of_rows(admin_client):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()

    def queries_with(days):
        article = make_article()
        DailyCount.objects.bulk_create(
            DailyCount(day=today - timedelta(days=n), kind="article", object_id=article.pk, views=3)
            for n in range(days)
        )
        url = reverse("admin:blog_article_change", args=[article.pk])
        admin_client.get(url)  # what the first view of any page caches
        with CaptureQueriesContext(connection) as captured:
            page = admin_client.get(url)
        assert page.status_code == 200 and "readership-sparkline" in page.text
        return len(captured.captured_queries)

    assert queries_with(1) == queries_with(730)
