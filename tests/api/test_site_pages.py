"""Pages and menus through the API: only published pages, menus as the site shows them."""

import pytest
from django.test import Client

from pages.models import Menu, MenuItem, Page

pytestmark = pytest.mark.django_db


def get(path: str, **headers):
    return Client(raise_request_exception=False).get(path, headers=headers)


def make_page(title, slug, *, status="published", **extra):
    return Page.objects.create(title=title, slug=slug, status=status, body="<p>Testo.</p>", **extra)


def test_only_published_pages_by_list_or_by_id():
    about = make_page("Chi siamo", "chi-siamo")
    draft = make_page("Bozza", "bozza", status="draft")
    listed = [item["id"] for item in get("/api/v1/pages/").json()]
    assert listed == [about.pk]
    detail = get(f"/api/v1/pages/{about.pk}/").json()
    assert detail["body_html"] == "<p>Testo.</p>"
    assert detail["url"].endswith("/chi-siamo/")
    hidden = get(f"/api/v1/pages/{draft.pk}/")
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"


def test_menus_leave_out_links_to_drafts_and_keep_external_ones():
    about = make_page("Chi siamo", "chi-siamo")
    draft = make_page("Bozza", "bozza", status="draft")
    header = Menu.objects.create(location=Menu.Location.HEADER)
    top = MenuItem.objects.create(menu=header, page=about, order=1)
    MenuItem.objects.create(menu=header, page=draft, parent=top, order=1)
    MenuItem.objects.create(menu=header, url="https://example.org/", label="Partner", order=2)
    body = get("/api/v1/menus/").json()
    assert [link["text"] for link in body["header"]] == ["Chi siamo", "Partner"]
    assert body["header"][0]["children"] == []
    assert body["header"][0]["url"].startswith("http") and body["header"][0]["url"].endswith(
        "/chi-siamo/"
    )
    assert body["header"][1] == {
        "text": "Partner",
        "url": "https://example.org/",
        "external": True,
        "children": [],
    }
    assert body["footer"] == []


def test_pages_answer_304_until_a_page_changes():
    about = make_page("Chi siamo", "chi-siamo")
    etag = get("/api/v1/pages/")["ETag"]
    assert get("/api/v1/pages/", **{"If-None-Match": etag}).status_code == 304
    about.title = "Chi siamo davvero"
    about.save()
    assert get("/api/v1/pages/", **{"If-None-Match": etag}).status_code == 200


def test_page_search_is_the_sites():
    make_page("Chi siamo", "chi-siamo")
    make_page("Contatti", "contatti")
    make_page("Chi non siamo", "bozza", status="draft")
    found = [item["title"] for item in get("/api/v1/pages/?search=siamo").json()]
    assert found == ["Chi siamo"]
