"""WordPress pages come over with their hierarchy, order and old addresses."""

import pytest

from pages.models import Page
from tests.wordpress.conftest import run_import

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/">
<channel><title>Prova</title><link>https://vecchio.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://vecchio.example</wp:base_site_url>
<wp:base_blog_url>https://vecchio.example</wp:base_blog_url>
"""


def page_item(post_id, slug, title, *, parent=0, status="publish", order=0, link=None):
    link = link or f"https://vecchio.example/{slug}/"
    return f"""<item><title><![CDATA[{title}]]></title><link>{link}</link>
<guid isPermaLink="false">https://vecchio.example/?page_id={post_id}</guid>
<content:encoded><![CDATA[<p>Testo di {title}.</p><script>alert(1)</script>]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_name><![CDATA[{slug}]]></wp:post_name>
<wp:status><![CDATA[{status}]]></wp:status><wp:post_parent>{parent}</wp:post_parent>
<wp:menu_order>{order}</wp:menu_order><wp:post_type><![CDATA[page]]></wp:post_type></item>
"""


def export(tmp_path, *items):
    path = tmp_path / "export.xml"
    path.write_text(HEAD + "".join(items) + "</channel></rss>", encoding="utf-8")
    return path


def test_pages_keep_hierarchy_and_old_addresses_redirect(tmp_path, client):
    # The child comes first in the export: parents are imported before children anyway.
    path = export(
        tmp_path,
        page_item(
            11, "redazione", "La redazione", parent=10, order=2,
            link="https://vecchio.example/chi-siamo/redazione/",
        ),
        page_item(10, "chi-siamo", "Chi siamo", order=1),
        page_item(12, "bozza", "Bozza", status="draft"),
    )  # fmt: skip
    summary = run_import(path)
    team = Page.objects.get(title="La redazione")
    assert team.path == "chi-siamo/redazione" and team.order == 2
    assert "script" not in team.body
    assert Page.objects.get(title="Bozza").status == Page.Status.DRAFT
    assert "pages" in summary
    assert client.get("/chi-siamo/redazione/").status_code == 200
    response = client.get("/?page_id=11")
    assert response.status_code == 301 and response["Location"] == "/chi-siamo/redazione/"
    # A draft page is never a redirect target.
    assert client.get("/?page_id=12").status_code == 200  # the home page, no redirect


def test_a_page_whose_address_belongs_to_another_route_gets_another(tmp_path, client):
    summary = run_import(export(tmp_path, page_item(20, "feed", "Il nostro feed")))
    page = Page.objects.get(title="Il nostro feed")
    assert page.path == "feed-2"
    assert "address already taken here" in summary
    # The old /feed/ is our feed, so it is never redirected; the page id link still leads to it.
    response = client.get("/?page_id=20")
    assert response["Location"] == "/feed-2/"


def test_second_run_changes_nothing_and_keeps_local_edits(tmp_path):
    path = export(tmp_path, page_item(10, "chi-siamo", "Chi siamo"))
    run_import(path)
    page = Page.objects.get()
    page.title = "Chi siamo (rivisto qui)"
    page.save()
    summary = run_import(path)
    page.refresh_from_db()
    assert page.title == "Chi siamo (rivisto qui)"
    assert Page.objects.count() == 1
    assert "unchanged" in summary
