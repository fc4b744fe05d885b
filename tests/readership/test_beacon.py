import pytest

from readership.fold import fold
from readership.models import DailyCount, DailyReferrer, DailySearchTerm
from tests.factories import make_article, make_user
from tests.readership.conftest import OTHER_BROWSER, beacon

pytestmark = pytest.mark.django_db


def counts(kind="article", object_id=None):
    fold()
    row = DailyCount.objects.filter(kind=kind, object_id=object_id or 0).first()
    return (row.views, row.visitors) if row else (0, 0)


def test_beacon_answers_204_without_touching_the_database(reader, django_assert_num_queries):
    article = make_article()
    with django_assert_num_queries(0):
        response = beacon(reader, k="article", i=article.pk)
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert counts(object_id=article.pk) == (1, 1)


def test_one_visitor_reading_twice_is_two_views_and_one_visitor(reader):
    article = make_article()
    beacon(reader, k="article", i=article.pk)
    beacon(reader, k="article", i=article.pk)
    beacon(reader, k="article", i=article.pk, user_agent=OTHER_BROWSER)
    assert counts(object_id=article.pk) == (3, 2)
    assert counts(kind="site") == (3, 2)


def test_site_visitors_count_a_reader_once_across_pages(reader):
    first, second = make_article(), make_article()
    beacon(reader, k="article", i=first.pk)
    beacon(reader, k="article", i=second.pk)
    beacon(reader, k="home", i=0)
    assert counts(kind="site") == (3, 1)
    assert counts(kind="home") == (1, 1)


def test_the_image_for_readers_without_javascript_counts_by_get(reader):
    article = make_article()
    response = beacon(reader, method="get", k="article", i=article.pk)
    assert response.status_code == 204
    assert counts(object_id=article.pk) == (1, 1)


@pytest.mark.parametrize(
    ("user_agent", "headers"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("python-requests/2.32", {}),
        ("", {}),
        (None, {"Sec-GPC": "1"}),
        (None, {"DNT": "1"}),
        (None, {"Sec-Purpose": "prefetch"}),
    ],
)
def test_robots_and_visitors_who_refuse_tracking_are_not_counted(reader, user_agent, headers):
    article = make_article()
    extra = {} if user_agent is None else {"user_agent": user_agent}
    response = beacon(reader, k="article", i=article.pk, headers=headers, **extra)
    assert response.status_code == 204
    assert counts(object_id=article.pk) == (0, 0)


def test_logged_in_staff_are_not_counted_and_are_again_after_logout(reader):
    article = make_article()
    reader.force_login(make_user(is_staff=True))
    beacon(reader, k="article", i=article.pk)
    assert counts(object_id=article.pk) == (0, 0)
    reader.logout()
    beacon(reader, k="article", i=article.pk)
    assert counts(object_id=article.pk) == (1, 1)


def test_logged_in_reader_who_is_not_staff_is_counted(reader):
    article = make_article()
    reader.force_login(make_user(is_staff=False))
    beacon(reader, k="article", i=article.pk)
    assert counts(object_id=article.pk) == (1, 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"k": "article", "i": "abc"},
        {"k": "article", "i": "0"},
        {"k": "nonsense", "i": "1"},
        {"k": "article", "i": "9" * 30},
        {"k": "article", "i": "1", "e": "s", "d": "7"},
        {},
    ],
)
def test_malformed_beacons_are_answered_and_not_counted(reader, fields):
    response = beacon(reader, **fields)
    assert response.status_code == 204
    fold()
    assert not DailyCount.objects.exclude(kind="site").filter(views__gt=0).exists()


def test_a_forged_article_id_is_not_folded(reader):
    beacon(reader, k="article", i=987654)
    fold()
    assert not DailyCount.objects.filter(kind="article").exists()


def test_referrer_is_kept_as_its_domain_only_and_our_own_is_dropped(reader):
    article = make_article()
    beacon(reader, k="article", i=article.pk, r="https://www.example.org/a/page?id=secret")
    beacon(reader, k="article", i=article.pk, r="news.example.net")
    beacon(reader, k="article", i=article.pk, r="testserver")
    fold()
    assert sorted(DailyReferrer.objects.values_list("domain", "views")) == [("news.example.net", 1)]


def test_search_terms_are_counted_but_not_email_addresses_or_long_numbers(reader):
    beacon(reader, k="search", i=0, q="  Elezioni   Regionali ")
    beacon(reader, k="search", i=0, q="elezioni regionali")
    beacon(reader, k="search", i=0, q="mario.rossi@example.com")
    beacon(reader, k="search", i=0, q="333 123 4567")
    beacon(reader, k="home", i=0, q="not a search page")
    fold()
    assert list(DailySearchTerm.objects.values_list("term", "searches")) == [
        ("elezioni regionali", 2)
    ]


def test_scroll_depth_is_counted_in_quarters(reader):
    article = make_article()
    beacon(reader, k="article", i=article.pk)
    beacon(reader, k="article", i=article.pk, e="s", d="2")
    beacon(reader, k="article", i=article.pk, e="s", d="4")
    fold()
    row = DailyCount.objects.get(kind="article", object_id=article.pk)
    assert (row.views, row.read_quarter, row.read_half, row.read_all) == (1, 0, 1, 1)


def test_counting_can_be_switched_off(reader, settings):
    settings.READERSHIP_ENABLED = False
    article = make_article()
    assert beacon(reader, k="article", i=article.pk).status_code == 204
    assert counts(object_id=article.pk) == (0, 0)


@pytest.mark.parametrize(("charset", "status"), [("utf8", 400), ("latin-1", 400), ("klingon", 204)])
def test_a_body_in_another_charset_with_a_csrf_cookie_is_never_a_server_error(
    reader, charset, status
):
    """As curl against a real server, with a 32-character CSRF cookie: the beacon is CSRF-exempt,
    so only our unreadable-request refusal stands before it. Another charset is our 400; one
    Python does not know, Django ignores and reads as UTF-8 (counted as usual)."""
    article = make_article()
    reader.cookies["csrftoken"] = "a" * 32
    response = reader.generic(
        "POST",
        "/r/v",
        f"k=article&i={article.pk}".encode(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_USER_AGENT=OTHER_BROWSER,
    )
    assert response.status_code == status


def test_the_beacon_is_answered_before_any_url_is_resolved(reader, monkeypatch):
    """readership.beacon.BeaconMiddleware answers it early: no URL resolution, no CSRF check,
    no user or messages loaded for the request the site receives most often."""
    from django.core.handlers.base import BaseHandler

    def no_resolving(self, request):
        raise AssertionError("the beacon went through the URL resolver")

    monkeypatch.setattr(BaseHandler, "resolve_request", no_resolving)
    article = make_article()
    assert beacon(reader, k="article", i=article.pk).status_code == 204
    assert beacon(reader, method="get", k="article", i=article.pk).status_code == 204
    monkeypatch.undo()
    assert counts(object_id=article.pk) == (2, 1)


def test_other_methods_at_the_beacon_get_the_405_page(reader):
    response = reader.put("/r/v", "k=article&i=1")
    assert response.status_code == 405
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
    assert response.content  # our page, not an empty answer


def test_on_redis_a_beacon_is_one_round_trip(reader):
    """With Redis as the cache, one script takes the number and writes the line."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the cache is not Redis (run with REDIS_URL)")
    import redis

    article = make_article()
    beacon(reader, k="article", i=article.pk)  # the day's secret is made and copied here
    calls = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        calls.append(args[0])
        return original(self, *args, **options)

    redis.Redis.execute_command = counting
    try:
        answer = beacon(reader, k="article", i=article.pk, user_agent=OTHER_BROWSER)
        assert answer.status_code == 204
    finally:
        redis.Redis.execute_command = original
    assert calls == ["EVALSHA"]
    assert counts(object_id=article.pk) == (2, 2)
