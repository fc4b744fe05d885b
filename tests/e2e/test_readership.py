"""The beacon in a real browser, under the site's CSP: with JavaScript and without."""

import pytest

from readership.fold import fold
from readership.models import DailyCount
from tests.factories import make_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def article_views(article) -> int:
    fold()
    row = DailyCount.objects.filter(kind="article", object_id=article.pk).first()
    return row.views if row else 0


def test_the_script_sends_one_beacon_that_is_counted_once(open_page):
    article = make_article()
    page = open_page(user_agent=BROWSER)
    beacons = []
    page.on("request", lambda request: "/r/v" in request.url and beacons.append(request.method))
    with page.expect_response(lambda response: "/r/v" in response.url) as sent:
        page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert sent.value.status == 204
    # The hidden lazy image for readers without JavaScript is not loaded: one view, one count.
    assert beacons == ["POST"]
    assert article_views(article) == 1


def test_without_javascript_the_image_is_counted(open_page):
    article = make_article()
    page = open_page(user_agent=BROWSER, java_script_enabled=False)
    with page.expect_response(lambda response: "/r/v" in response.url) as sent:
        page.goto(article.get_absolute_url())
    assert sent.value.request.method == "GET"
    assert article_views(article) == 1


def test_a_browser_asking_not_to_be_tracked_sends_nothing_that_counts(open_page):
    article = make_article()
    page = open_page(user_agent=BROWSER, extra_http_headers={"Sec-GPC": "1"})
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert article_views(article) == 0
