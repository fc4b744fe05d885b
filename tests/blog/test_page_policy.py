"""One policy for public pages (blog.conditional.PagePolicy): who is an anonymous reader is
decided once (core.page_cache.is_anonymous_reader), every layer classifies a request the same
way, and a page has one ETag whether it is served kept or rendered."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import article_page
from blog.conditional import Layer, PagePolicy
from blog.models import Article
from core import page_cache
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

# (label, cookies, logged in, query, the layer that must answer)
VISITORS = [
    ("new reader", {}, False, "", Layer.KEPT),
    ("reader with csrf and language", {"csrftoken": "a" * 32, "django_language": "it"}, False,
     "", Layer.KEPT),
    ("reader of comment page 2", {}, False, "?pagina=2", Layer.KEPT),
    ("reader from a newsletter link", {}, False, "?utm_source=newsletter", Layer.VALIDATED),
    ("visitor with a session", {"sessionid": "x"}, False, "", Layer.RENDERED),
    ("visitor with a flash message", {"messages": "x"}, False, "", Layer.RENDERED),
    ("logged-in user", {}, True, "", Layer.RENDERED),
]  # fmt: skip


def _client(cookies, logged_in):
    client = Client()
    if logged_in:
        client.force_login(make_user())
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize(
    ("cookies", "logged_in", "query", "layer"),
    [visitor[1:] for visitor in VISITORS],
    ids=[visitor[0] for visitor in VISITORS],
)
def test_every_layer_classifies_a_request_the_same_way(settings, cookies, logged_in, query, layer):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    article = make_article()
    make_comment(article)
    make_comment(article)
    url = article.get_absolute_url() + query
    client = _client(cookies, logged_in)
    first, _ = _queries(client, url)
    request = first.wsgi_request

    # The decision, made once from the request...
    assert PagePolicy.of(request, article_page.page_params()).layer is layer
    reader = page_cache.is_anonymous_reader(request)
    assert reader == (layer is not Layer.RENDERED)
    assert page_cache.can_keep(request, article_page.page_params()) == (layer is Layer.KEPT)
    # ... is the one every layer acts on: validators for readers only, the kept page for the
    # kept addresses only, and a revalidation answered only where there are validators.
    assert first.has_header("ETag") == reader
    again, queries = _queries(client, url)
    assert (queries == 0) == (layer is Layer.KEPT)
    if reader:
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=again["ETag"])
        assert revalidated.status_code == 304


@pytest.mark.parametrize(
    ("cookies", "logged_in", "layer"),
    [(cookies, logged_in, layer) for _, cookies, logged_in, query, layer in VISITORS if not query],
)
def test_a_listing_classifies_a_visitor_as_the_article_page_does(cookies, logged_in, layer):
    make_article()
    client = _client(cookies, logged_in)
    first, _ = _queries(client, reverse("blog:home"))
    _, queries = _queries(client, reverse("blog:home"))

    assert first.has_header("ETag") == (layer is not Layer.RENDERED)
    assert (queries == 0) == (layer is Layer.KEPT)


def test_a_kept_page_and_the_same_page_rendered_carry_one_etag(settings):
    article = make_article()
    make_comment(article)
    url = article.get_absolute_url()
    reader = Client()
    rendered_and_kept = reader.get(url)
    kept, queries = _queries(reader, url)
    assert queries == 0

    settings.PAGE_CACHE_ENABLED = False  # the kept copy is gone: the view renders it
    rendered = reader.get(url)

    assert kept["ETag"] == rendered_and_kept["ETag"] == rendered["ETag"]
    assert kept["Last-Modified"] == rendered["Last-Modified"]
    # So a reader holding the kept page's validators is told it is current by the view too.
    revalidated = reader.get(
        url, HTTP_IF_NONE_MATCH=kept["ETag"], HTTP_IF_MODIFIED_SINCE=kept["Last-Modified"]
    )
    assert revalidated.status_code == 304


def test_a_page_kept_again_after_a_change_back_keeps_its_etag_until_content_moves():
    article = make_article()
    url = article.get_absolute_url()
    reader = Client()
    first = reader.get(url)
    page_cache.cache.delete(page_cache._key(first.wsgi_request))  # evicted, nothing changed

    again = reader.get(url)

    assert again["ETag"] == first["ETag"]


def test_the_policy_never_sends_validators_to_a_post():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()

    assert PagePolicy.of(request).layer is Layer.RENDERED


def test_scheduled_articles_follow_the_one_visibility_rule():
    now = timezone.now()
    live = make_article()
    coming = make_article(publish_at=now + datetime.timedelta(hours=1))
    make_article(status=Article.Status.DRAFT, publish_at=now + datetime.timedelta(hours=1))

    assert list(Article.objects.scheduled()) == [coming]
    assert list(Article.objects.published()) == [live]
