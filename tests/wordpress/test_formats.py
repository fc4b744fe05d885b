"""Any real export: WXR 1.0 to 1.2, wp namespace over http:// or https://, any prefix."""

import re
from pathlib import Path

import pytest
from django.test import Client

from blog.models import Article, Author, Category, Tag
from comments.models import Comment
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress.models import OldPermalink, WordPressObject

pytestmark = pytest.mark.django_db

MAGAZINE = FIXTURES / "magazine.xml"


def rewritten(tmp_path, source, *replacements) -> Path:
    text = source.read_text(encoding="utf-8")
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        assert count, pattern
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def counts() -> dict:
    return {
        "articles": sorted(Article.objects.values_list("slug", "status", "title")),
        "comments": sorted(Comment.objects.values_list("author_name", "status", "level")),
        "categories": sorted(Category.objects.values_list("slug", "parent__slug")),
        "tags": sorted(Tag.objects.values_list("slug", flat=True)),
    }


def test_wxr_1_0_export_without_an_author_list(settings):
    summary = run_import(FIXTURES / "wxr-1.0.xml")

    assert "(WXR 1.0)" in summary
    article = Article.objects.get(slug="il-caffe-al-bar")
    assert article.title == "Il caffè al bar & la piazza"
    assert article.body == "<p>Al bar si parla di tutto.</p>\n<p>Anche di calcio.</p>"
    assert article.author == Author.objects.get(slug="mario")  # from dc:creator alone
    assert article.category == Category.objects.get(slug="societa", name="Società")
    assert list(article.tags.values_list("slug", "name")) == [("caffe", "Caffè")]
    assert article.comments.get().author_url == "http://franco.example.net"
    draft = Article.objects.get(status=Article.Status.DRAFT)
    assert draft.slug == "senza-data-gmt"


def test_wxr_1_0_old_addresses_below_the_blog_folder_redirect():
    run_import(FIXTURES / "wxr-1.0.xml")
    article = Article.objects.get(slug="il-caffe-al-bar")
    category = Category.objects.get(slug="citta-e-paesi")
    assert category.parent.slug == "societa"  # named by its percent-encoded slug

    client = Client()
    for old, new in [
        ("/blog/2008/10/31/il-caffe-al-bar/", article.get_absolute_url()),
        ("/blog/?p=7", article.get_absolute_url()),
        ("/blog/category/societ%C3%A0/citt%C3%A0-e-paesi/", category.get_absolute_url()),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new


def test_http_and_https_namespace_forms_import_the_same(tmp_path):
    run_import(MAGAZINE)
    over_https = counts()
    for model in (WordPressObject, OldPermalink, Comment, Article, Author, Category, Tag):
        model.objects.all().delete()
    over_http = rewritten(
        tmp_path, MAGAZINE, (r"https://wordpress\.org/export/", "http://wordpress.org/export/")
    )

    summary = run_import(over_http)

    assert counts() == over_https
    assert over_https["articles"] and over_https["comments"]
    assert "(WXR 1.2)" in summary


def test_the_namespace_is_recognised_by_its_address_not_its_prefix(tmp_path):
    export = rewritten(
        tmp_path,
        MAGAZINE,
        (r"xmlns:wp=", "xmlns:wordpress="),
        (r"<wp:", "<wordpress:"),
        (r"</wp:", "</wordpress:"),
    )

    run_import(export)

    assert Article.objects.count() == 6
    assert Comment.objects.count() == 5


def test_wxr_1_1_export_is_read(settings):
    summary = run_import(FIXTURES / "deep-thread.xml")

    assert "(WXR 1.1)" in summary
    assert Article.objects.count() == 2


def test_a_link_with_a_nul_byte_is_imported_without_its_redirect(tmp_path):
    export = rewritten(
        tmp_path,
        MAGAZINE,
        (
            r"https://rivista\.example/2023/11/15/perch%C3%A9-milano/</link>",
            "https://rivista.example/x%00/</link>",
        ),
    )

    run_import(export)

    assert not OldPermalink.objects.filter(path__contains="x").exists()
    assert Article.objects.filter(slug="perche-milano").exists()
