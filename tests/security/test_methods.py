"""Pages, listings, feeds and the sitemap take GET and HEAD: every other method is a 405 that
says so, with an Allow header, before the CSRF check can answer with a misleading 403."""

import pytest
from django.test import Client

from tests.factories import make_article
from tests.security.helpers import assert_clear_refusal

pytestmark = pytest.mark.django_db

METHODS = ["PUT", "DELETE", "PATCH", "TRACE"]


def read_only_addresses(article) -> list[str]:
    return [
        "/",
        article.get_absolute_url(),
        f"/{article.publish_at:%Y}/",
        f"/{article.publish_at:%Y/%m}/",
        f"/autore/{article.author.slug}/",
        "/cerca/",
        "/feed/",
        "/feed/atom/",
        f"/autore/{article.author.slug}/feed/",
        f"{article.get_absolute_url()}feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]


@pytest.mark.parametrize("method", METHODS)
def test_pages_listings_feeds_and_sitemap_refuse_other_methods_with_405_and_allow(method):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    for url in read_only_addresses(article):
        response = client.generic(method, url, headers={"accept-language": "en"})
        assert response.status_code == 405, (url, response.status_code)
        allowed = {name.strip() for name in response["Allow"].split(",")}
        assert {"GET", "HEAD"} <= allowed, url
        assert method not in allowed
        assert_clear_refusal(response)


def test_the_article_page_still_answers_get_and_head():
    article = make_article()
    client = Client()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.head("/feed/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
