import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import frame
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

BEACON = re.compile(
    r'<script src="/static/readership/beacon\.js" defer data-endpoint="/r/v" '
    r'data-kind="(?P<kind>\w+)" data-id="(?P<id>\d+)"'
)


def beacon_of(response):
    match = BEACON.search(response.content.decode())
    return (match["kind"], int(match["id"])) if match else None


def test_a_registered_renderer_adds_to_the_frame():
    frame.register_script("test-extra", lambda context: "<!-- extra -->")
    try:
        html = Template("{% load frame %}{% frame_scripts %}").render(Context({}))
    finally:
        frame._renderers.pop("test-extra")
    assert "<!-- extra -->" in html


def test_article_page_carries_its_beacon_and_the_no_javascript_image(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert beacon_of(response) == ("article", article.pk)
    html = response.content.decode()
    # Without JavaScript a browser loads every image at once; with it, a hidden lazy image is
    # never loaded (so it counts only readers without JavaScript). No <noscript>: the security
    # checks forbid it (its content parses differently with and without scripting).
    assert f'<img src="/r/v?k=article&amp;i={article.pk}" alt="" width="1" height="1" ' in html
    assert 'loading="lazy" hidden>' in html
    assert "<noscript" not in html
    # Strict CSP kept: no inline script anywhere on the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)


def test_listings_carry_their_kind(client):
    category = make_category()
    make_article(category=category)
    assert beacon_of(client.get(reverse("blog:home"))) == ("home", 0)
    assert beacon_of(client.get(category.get_absolute_url())) == ("category", category.pk)


def test_search_page_names_its_term(client):
    response = client.get(reverse("blog:search"), {"q": "mare"})
    assert beacon_of(response) == ("search", 0)
    assert 'data-term="mare"' in response.content.decode()


def test_preview_is_not_counted(admin_client):
    article = make_article()
    response = admin_client.get(reverse("blog:article-preview", args=[article.pk]))
    assert response.status_code == 200
    assert beacon_of(response) is None
    assert "/r/v" not in response.content.decode()


def test_page_kept_for_anonymous_readers_is_still_kept_with_the_beacon():
    article = make_article()
    first = Client().get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(article.get_absolute_url())
    # Served whole from the page cache: the beacon reads nothing per visitor.
    assert len(queries) == 0
    assert beacon_of(first) == beacon_of(again) == ("article", article.pk)


def test_frame_adds_nothing_when_counting_is_off(client, settings):
    settings.READERSHIP_ENABLED = False
    assert beacon_of(client.get(make_article().get_absolute_url())) is None
