"""What search engines and link previews read: sitemap.xml, robots.txt, canonical, OpenGraph,
Twitter cards, JSON-LD and feed autodiscovery."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.blog.helpers import at
from tests.factories import (
    find_elements,
    make_article,
    make_author,
    make_category,
    make_draft,
    make_scheduled,
    make_tag,
    make_upload,
    make_user,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
EVIL_TITLE = "Titolo </script><script>alert(1)</script> & «virgolette»"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def absolute(path):
    return "http://testserver" + path


def read_document(client, path, root_tag, **request_options):
    response = client.get(path, **request_options)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's answer
    assert root.tag == f"{{http://www.sitemaps.org/schemas/sitemap/0.9}}{root_tag}"
    return root


def section_paths(client, **request_options) -> list[str]:
    """The sections sitemap.xml (an index) points to, as paths on this server."""
    index = read_document(client, "/sitemap.xml", "sitemapindex", **request_options)
    locations = [node.findtext("sm:loc", namespaces=SITEMAP_NS) for node in index]
    return [urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else "")
            for loc in locations]  # fmt: skip


def read_sitemap(client, **request_options) -> dict[str, str | None]:
    """{location: lastmod} of every URL in every section of the sitemap index."""
    urls = {}
    for path in section_paths(client, **request_options):
        root = read_document(client, path, "urlset", **request_options)
        urls |= {
            url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
                "sm:lastmod", namespaces=SITEMAP_NS
            )
            for url in root.findall("sm:url", SITEMAP_NS)
        }
    return urls


def day_of(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def meta(html, **attrs) -> str | None:
    """The content of the one <meta> with these attributes, None when there is none."""
    found = find_elements(html, "meta", **attrs)
    assert len(found) <= 1, f"{attrs} appears {len(found)} times"
    return dict(found[0].attributes)["content"] if found else None


def link_hrefs(html, rel, type_=None) -> list[str]:
    attrs = {"rel": rel} if type_ is None else {"rel": rel, "type": type_}
    return [dict(element.attributes)["href"] for element in find_elements(html, "link", **attrs)]


def json_ld(html) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(html)]


# sitemap.xml


def test_sitemap_lists_published_articles_with_their_last_change(client):
    article = make_article(publish_at=at(2024, 1, 1))
    older = make_article(publish_at=at(2023, 6, 1))

    urls = read_sitemap(client)

    assert urls[absolute(article.get_absolute_url())] == day_of(article.updated)
    assert urls[absolute(older.get_absolute_url())] == day_of(older.updated)
    assert absolute(reverse("blog:home")) in urls


def test_sitemap_never_lists_drafts_or_scheduled_articles(client):
    make_article()
    draft = make_draft(slug="bozza-segreta")
    scheduled = make_scheduled(slug="programmato")

    response = client.get("/sitemap.xml")

    assert b"bozza-segreta" not in response.content
    assert b"programmato" not in response.content
    urls = read_sitemap(client)
    assert absolute(draft.get_absolute_url()) not in urls
    assert absolute(scheduled.get_absolute_url()) not in urls


def test_sitemap_lists_categories_and_authors_only_while_they_have_published_articles(client):
    busy_category, idle_category = make_category(), make_category()
    busy_author, idle_author = make_author(), make_author()
    make_article(category=busy_category, author=busy_author)
    make_draft(category=idle_category, author=idle_author)
    make_scheduled(category=idle_category, author=idle_author)

    urls = read_sitemap(client)

    assert absolute(busy_category.get_absolute_url()) in urls
    assert absolute(busy_author.get_absolute_url()) in urls
    assert absolute(idle_category.get_absolute_url()) not in urls
    assert absolute(idle_author.get_absolute_url()) not in urls


def test_category_and_author_lastmod_is_their_newest_published_article(client):
    category, author = make_category(), make_author()
    with time_machine.travel(at(2024, 3, 1), tick=False):
        make_article(category=category, author=author, publish_at=at(2024, 2, 1))
    with time_machine.travel(at(2024, 4, 15), tick=False):
        make_article(category=category, author=author, publish_at=at(2024, 4, 15))
    with time_machine.travel(at(2024, 5, 1), tick=False):
        make_draft(category=category, author=author)  # newer, but not public

    urls = read_sitemap(client)

    assert urls[absolute(category.get_absolute_url())] == "2024-04-15"
    assert urls[absolute(author.get_absolute_url())] == "2024-04-15"
    assert urls[absolute(reverse("blog:home"))] == "2024-04-15"


def test_scheduled_article_enters_the_sitemap_dated_when_it_appears(client):
    with time_machine.travel(at(2024, 6, 1), tick=False):
        article = make_article(publish_at=at(2024, 6, 10))  # scheduled: published, future

    with time_machine.travel(at(2024, 6, 5), tick=False):
        assert absolute(article.get_absolute_url()) not in read_sitemap(client)
    with time_machine.travel(at(2024, 6, 12), tick=False):
        assert read_sitemap(client)[absolute(article.get_absolute_url())] == "2024-06-10"


def test_sitemap_takes_host_and_scheme_from_the_request(client, settings):
    settings.ALLOWED_HOSTS = ["www.rivista.test"]
    article = make_article()

    locations = read_sitemap(client, HTTP_HOST="www.rivista.test", secure=True)

    assert "https://www.rivista.test" + article.get_absolute_url() in locations
    assert all(loc.startswith("https://www.rivista.test/") for loc in locations)


def test_sitemap_is_an_index_of_sections_with_tags_and_articles_in_chunks(client, monkeypatch):
    from blog.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    tag = make_tag()
    articles = [make_article(tags=[tag]) for _ in range(5)]

    paths = section_paths(client)

    assert [p for p in paths if p.startswith("/sitemap-articles.xml")] == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    for path in paths:
        limit = 2 if path.startswith("/sitemap-articles.xml") else 50_000
        assert len(read_document(client, path, "urlset").findall("sm:url", SITEMAP_NS)) <= limit
    urls = read_sitemap(client)
    assert all(absolute(a.get_absolute_url()) in urls for a in articles)
    assert absolute(tag.get_absolute_url()) in urls


def test_sitemap_documents_are_served_from_the_cache_until_the_content_changes(client):
    make_article()
    client.get("/sitemap-articles.xml")
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as queries:
        client.get("/sitemap-articles.xml")
        client.get("/sitemap.xml")

    assert len(queries) == 2  # the newest publication time, once per document served

    newer = make_article(slug="appena-pubblicato")
    assert absolute(newer.get_absolute_url()) in read_sitemap(client)


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nessuna.xml").status_code == 404


# robots.txt


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_previews(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /anteprima/" in lines
    sitemap_url = next(line for line in lines if line.startswith("Sitemap: ")).split(" ", 1)[1]
    assert client.get(sitemap_url.removeprefix("http://testserver")).status_code == 200


def test_preview_addresses_fall_under_the_robots_disallow(client):
    draft = make_draft()
    disallowed = [
        line.split(" ", 1)[1]
        for line in client.get("/robots.txt").text.splitlines()
        if line.startswith("Disallow: ")
    ]
    assert any(draft.get_preview_url().startswith(prefix) for prefix in disallowed)


# Article page: canonical, OpenGraph, Twitter card.


def test_article_page_has_opengraph_and_twitter_metadata(client):
    article = make_article(
        title="Un titolo",
        lead="Il sommario.",
        seo_description="La descrizione SEO.",
        category=make_category(name="Cultura"),
        cover=make_upload(size=(1200, 630)),
        cover_alt="Una piazza al tramonto",
    )
    html = client.get(article.get_absolute_url()).text
    url = absolute(article.get_absolute_url())

    assert link_hrefs(html, "canonical") == [url]
    assert meta(html, property="og:type") == "article"
    assert meta(html, property="og:title") == "Un titolo"
    assert meta(html, property="og:description") == "La descrizione SEO."
    assert meta(html, property="og:url") == url
    assert meta(html, property="og:site_name") == "Rivista"
    assert meta(html, property="og:locale") == "it_IT"
    assert meta(html, property="og:image") == "http://testserver" + article.cover.url
    assert meta(html, property="og:image:width") == "1200"
    assert meta(html, property="og:image:height") == "630"
    assert meta(html, property="og:image:alt") == "Una piazza al tramonto"
    assert meta(html, property="article:section") == "Cultura"
    assert meta(html, name="twitter:card") == "summary_large_image"
    assert meta(html, name="twitter:image") == "http://testserver" + article.cover.url
    assert meta(html, name="description") == "La descrizione SEO."


def test_article_without_cover_gets_a_summary_card_and_no_image(client):
    article = make_article(seo_title="Titolo per i motori", lead="Solo il sommario.")
    html = client.get(article.get_absolute_url()).text

    assert meta(html, name="twitter:card") == "summary"
    assert meta(html, property="og:image") is None
    assert meta(html, name="twitter:image") is None
    assert meta(html, property="og:title") == "Titolo per i motori"
    assert meta(html, property="og:description") == "Solo il sommario."
    assert meta(html, name="description") == "Solo il sommario."


def test_preview_carries_no_canonical_link_previews_or_structured_data(client):
    draft = make_draft(title="Bozza")
    client.force_login(make_user(groups=["Editors"]))

    html = client.get(draft.get_preview_url()).text

    assert meta(html, name="robots") == "noindex, nofollow"
    assert link_hrefs(html, "canonical") == []
    assert meta(html, property="og:url") is None
    assert json_ld(html) == []


# JSON-LD


def test_article_page_describes_the_article_in_json_ld(client):
    author = make_author(display_name="Giulia Neri", slug="giulia-neri")
    article = make_article(
        title="Un titolo",
        lead="Il sommario.",
        author=author,
        publish_at=at(2024, 5, 6),
        cover=make_upload(),
    )
    article.refresh_from_db()

    (data,) = json_ld(client.get(article.get_absolute_url()).text)

    url = absolute(article.get_absolute_url())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "Un titolo"
    assert data["description"] == "Il sommario."
    assert data["author"] == {
        "@type": "Person",
        "name": "Giulia Neri",
        "url": absolute(author.get_absolute_url()),
    }
    assert datetime.datetime.fromisoformat(data["datePublished"]) == at(2024, 5, 6)
    assert datetime.datetime.fromisoformat(data["dateModified"]) == article.updated
    assert data["image"] == ["http://testserver" + article.cover.url]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["publisher"]["name"] == "Rivista"


def test_a_title_cannot_break_out_of_the_json_ld_script(client):
    article = make_article(title=EVIL_TITLE, lead="Sommario </script><!-- & -->")

    html = client.get(article.get_absolute_url()).text

    assert "</script><script>alert(1)" not in html
    # Every copy of the title on the page is escaped: as JSON inside the script, as HTML outside.
    for found in re.finditer(re.escape("alert(1)"), html):
        assert html[: found.start()].endswith(("\\u003Cscript\\u003E", "&lt;script&gt;"))
    (data,) = json_ld(html)
    assert data["headline"] == EVIL_TITLE
    assert data["description"] == "Sommario </script><!-- & -->"
    assert meta(html, property="og:title") == EVIL_TITLE


# Listings: canonical with page numbers, link previews.


@pytest.mark.parametrize("name", ["home", "category", "tag", "author"])
def test_listing_canonical_names_the_page_without_other_query_parameters(client, settings, name):
    settings.BLOG_ARTICLES_PER_PAGE = 1
    category, tag, author = make_category(), make_tag(), make_author()
    for _ in range(3):
        make_article(category=category, tags=[tag], author=author)
    path = {
        "home": reverse("blog:home"),
        "category": category.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
    }[name]

    first = client.get(path, {"utm_source": "newsletter"}).text
    second = client.get(path, {"page": 2, "utm_source": "newsletter"}).text

    assert link_hrefs(first, "canonical") == [absolute(path)]
    assert link_hrefs(second, "canonical") == [absolute(path) + "?page=2"]
    assert meta(second, property="og:url") == absolute(path) + "?page=2"
    assert meta(first, property="og:type") == "website"


def test_date_archive_has_a_canonical_link(client):
    make_article(publish_at=at(2024, 5, 6))
    html = client.get(reverse("blog:archive-month", args=[2024, 5])).text
    assert link_hrefs(html, "canonical") == [absolute("/2024/05/")]


def test_category_page_is_described_by_its_description(client):
    category = make_category(name="Scienza", description="Ricerca e scoperte.")
    make_article(category=category)

    html = client.get(category.get_absolute_url()).text

    assert meta(html, property="og:title") == "Scienza"
    assert meta(html, property="og:description") == "Ricerca e scoperte."
    assert meta(html, name="description") == "Ricerca e scoperte."


# Feed autodiscovery.


def assert_feeds_parse(client, html, *expected_paths):
    rss = link_hrefs(html, "alternate", "application/rss+xml")
    atom = link_hrefs(html, "alternate", "application/atom+xml")
    for path in expected_paths:
        assert path in rss + atom, path
    for href in rss + atom:
        response = client.get(href)
        assert response.status_code == 200, href
        assert not feedparser.parse(response.content).bozo, href


def test_every_page_advertises_the_site_feeds(client):
    article = make_article()
    for path in (reverse("blog:home"), article.get_absolute_url(), "/cerca/?q=x"):
        html = client.get(path).text
        assert_feeds_parse(client, html, "/feed/", "/feed/atom/")


def test_category_tag_and_author_pages_advertise_their_own_feeds(client):
    category = make_category(slug="scienza")
    tag = make_tag(slug="clima")
    author = make_author(slug="giulia")
    make_article(category=category, tags=[tag], author=author)

    for obj, kind in ((category, "categoria"), (tag, "tag"), (author, "autore")):
        html = client.get(obj.get_absolute_url()).text
        feed = f"/{kind}/{obj.slug}/feed/"
        assert_feeds_parse(client, html, feed, feed + "atom/", "/feed/")


def test_article_page_advertises_its_comments_feed(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).text
    comments_feed = article.get_absolute_url() + "feed/"
    assert_feeds_parse(client, html, comments_feed, comments_feed + "atom/")
