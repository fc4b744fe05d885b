"""ETag / Last-Modified for anonymous readers: 304 while nothing they would see has changed."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.services import comment_set_status
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def revalidate(client, url, first):
    return client.get(
        url,
        HTTP_IF_NONE_MATCH=first["ETag"],
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )


@pytest.fixture
def reader():
    return Client()


@pytest.mark.parametrize(("page_cache", "expected_queries"), [(True, 0), (False, 1)])
def test_unchanged_article_answers_304_without_rendering(
    reader, settings, page_cache, expected_queries
):
    settings.PAGE_CACHE_ENABLED = page_cache
    article = make_article()
    make_comment(article)
    url = article.get_absolute_url()
    first = reader.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as queries:
        again = revalidate(reader, url, first)
    assert again.status_code == 304
    assert again.content == b""
    # The kept page answers from the cache; without it, the article query carries the site state.
    assert len(queries) == expected_queries


def test_an_approved_comment_changes_the_article_etag(reader):
    article = make_article()
    held = make_comment(article, status="pending", body="Ora visibile.")
    url = article.get_absolute_url()
    first = reader.get(url)
    comment_set_status(comment=held, status="approved")
    again = revalidate(reader, url, first)
    assert again.status_code == 200
    assert "Ora visibile." in again.text


def test_an_article_edit_changes_the_etag(reader):
    article = make_article(title="Titolo vecchio")
    url = article.get_absolute_url()
    first = reader.get(url)
    article.title = "Titolo nuovo"
    article.save()
    again = revalidate(reader, url, first)
    assert again.status_code == 200
    assert "Titolo nuovo" in again.text


def test_a_scheduled_article_going_live_changes_the_home_page(reader):
    make_article(title="Già uscito")
    make_article(title="In arrivo", publish_at=timezone.now() + datetime.timedelta(hours=1))
    first = reader.get("/")
    assert revalidate(reader, "/", first).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        again = revalidate(reader, "/", first)
    assert again.status_code == 200
    assert "In arrivo" in again.text


def test_home_page_answers_304_until_a_new_article_appears(reader):
    make_article(title="Primo")
    first = reader.get("/")
    assert revalidate(reader, "/", first).status_code == 304
    make_article(title="Secondo")
    assert revalidate(reader, "/", first).status_code == 200


def test_logged_in_users_and_sessions_get_no_validators(client):
    article = make_article()
    client.force_login(make_user())
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_a_different_csrf_cookie_never_gets_a_304(reader):
    article = make_article()
    url = article.get_absolute_url()
    first = reader.get(url)
    other = Client()
    other.cookies["csrftoken"] = "a" * 32
    assert revalidate(other, url, first).status_code == 200


def test_article_body_comes_from_the_fragment_cache_until_the_article_changes(reader):
    tag = __import__("tests.factories", fromlist=["make_tag"]).make_tag(name="Etichetta")
    article = make_article(tags=[tag])
    url = article.get_absolute_url()
    reader.get(url)
    with CaptureQueriesContext(connection) as warm:
        page = Client().get(url)
    assert "#Etichetta" in page.text
    assert not [q for q in warm.captured_queries if "blog_tag" in q["sql"]]

    tag.name = "Rinominata"
    tag.save()
    assert "#Rinominata" in Client().get(url).text


def test_article_page_with_a_promo_tags_and_comments_stays_within_five_queries(reader):
    from blog.models import Promo
    from tests.factories import make_tag

    Promo.objects.create(text="Abbonati", link="https://example.com/", cta_label="Vai")
    tag = make_tag()
    article = make_article(tags=[tag])
    make_article(tags=[tag])
    root = make_comment(article)
    make_comment(article, parent=root)
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(article.get_absolute_url())
    assert "Abbonati" in page.text
    assert len(queries) <= 5, [q["sql"][:80] for q in queries]


def test_a_new_promo_changes_the_etag(reader):
    from blog.models import Promo

    article = make_article()
    url = article.get_absolute_url()
    first = reader.get(url)
    Promo.objects.create(text="Nuova offerta", link="https://example.com/", cta_label="Vai")
    again = revalidate(reader, url, first)
    assert again.status_code == 200
    assert "Nuova offerta" in again.text
