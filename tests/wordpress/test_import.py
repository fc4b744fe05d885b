"""Importing a WordPress export: what becomes what, from fixtures/magazine.xml (WXR 1.2)."""

import datetime

import pytest
import time_machine
from django.test import Client

from blog.models import Article, Author, Category, Tag
from comments.models import Comment
from pages.models import Page
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress.models import WordPressObject

pytestmark = pytest.mark.django_db

MAGAZINE = FIXTURES / "magazine.xml"
UTC = datetime.UTC


def wp_comment(wp_id: int) -> Comment:
    return WordPressObject.objects.get(kind="comment", wp_id=str(wp_id)).comment


def wp_article(wp_id: int) -> Article:
    return WordPressObject.objects.get(kind="post", wp_id=str(wp_id)).article


def test_posts_in_every_status_become_articles_with_the_right_visibility():
    run_import(MAGAZINE)

    published = wp_article(101)
    assert published.status == Article.Status.PUBLISHED
    assert published.publish_at == datetime.datetime(2024, 5, 20, 8, 30, tzinfo=UTC)
    assert published.is_public

    scheduled = wp_article(103)  # "future"
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.publish_at == datetime.datetime(2030, 9, 1, 7, 0, tzinfo=UTC)
    assert not scheduled.is_public
    assert not scheduled.comments_enabled  # comment_status closed

    for wp_id in (102, 104, 105):  # draft, private, pending
        assert wp_article(wp_id).status == Article.Status.DRAFT, wp_id
    assert set(Article.objects.published().values_list("slug", flat=True)) == {
        "estate-dei-libri",
        "perche-milano",
    }


def test_attachments_and_a_menu_item_without_a_link_are_skipped_with_their_reason():
    summary = run_import(MAGAZINE)

    assert Article.objects.count() == 6
    assert not Article.objects.filter(title__in=["Chi siamo", "Home", "Una spiaggia"]).exists()
    assert Page.objects.filter(title="Chi siamo", path="chi-siamo").exists()
    assert "attachment (imported where a post uses it): 2" in summary
    assert "menu items: no link in the export: 1" in summary
    assert "comments: on a page (pages take no comments here): 1" in summary
    assert not Comment.objects.filter(author_name="Visitatore").exists()


def test_authors_categories_with_parents_and_tags():
    run_import(MAGAZINE)

    assert set(Author.objects.values_list("slug", "display_name", "user")) == {
        ("giulia", "Giulia Bianchi", None),
        ("niccolo-f", "Niccolò Ferrà", None),
    }
    libri = Category.objects.get(slug="libri")
    assert libri.parent == Category.objects.get(slug="cultura")
    assert Category.objects.get(slug="cultura").description == "Arte, musica & spettacolo"
    assert Category.objects.get(slug="citta").name == "Città"
    # Percent-encoded in WordPress, ASCII here (our URL patterns take ASCII slugs).
    assert set(Tag.objects.values_list("slug", "name")) == {
        ("romanzi", "Romanzi"),
        ("perche-leggere", "Perché leggere"),
    }
    article = wp_article(101)
    assert article.author.slug == "giulia"
    assert article.category == libri  # the first of its two categories
    assert set(article.tags.values_list("slug", flat=True)) == {"romanzi", "perche-leggere"}


def test_title_entities_excerpt_and_body_come_through_cleaned():
    run_import(MAGAZINE)
    article = wp_article(101)

    apostrophe = "\N{RIGHT SINGLE QUOTATION MARK}"  # WordPress's &#8217;
    assert article.title == f"L{apostrophe}estate dei libri: dieci romanzi da leggere 📚"
    assert article.lead == f"Dieci romanzi per l{apostrophe}estate, scelti dalla redazione."
    assert article.seo_description == "Dieci romanzi per l'estate scelti dalla redazione."
    body = article.body
    # Classic-editor paragraphs, as WordPress's wpautop would make them.
    assert "<p>Un'estate di letture: <strong>dieci romanzi</strong>" in body
    assert "<p>Si comincia da un classico.<br>\nPoi si va avanti.</p>" in body
    # [caption] becomes a figure; the sanitizer's allowlist applies to everything.
    assert "<figure><img" in body and "<figcaption>Lettori in spiaggia</figcaption>" in body
    assert "<script" not in body and "rubato" not in body and "onclick" not in body
    assert "Caffè &amp; libri: perché no?" in body
    # Block-editor content keeps its paragraphs, loses the block comments.
    draft = wp_article(102)
    assert draft.body == "<p>Testo della bozza, scritto con l'editor a blocchi.</p>"


def test_draft_without_a_slug_or_gmt_date_gets_both():
    run_import(MAGAZINE)
    draft = wp_article(102)

    assert draft.slug == "bozza-senza-nome"
    # 2024-06-01 18:00 in the site's time zone (Europe/Rome, summer time).
    assert draft.publish_at == datetime.datetime(2024, 6, 1, 16, 0, tzinfo=UTC)


def test_article_dates_are_wordpress_dates_not_the_import_time():
    run_import(MAGAZINE)
    article = wp_article(101)

    assert article.created == datetime.datetime(2024, 5, 20, 8, 30, tzinfo=UTC)
    assert article.updated == datetime.datetime(2024, 5, 21, 7, 0, tzinfo=UTC)


def test_every_approval_status_maps_to_ours():
    run_import(MAGAZINE)

    assert wp_comment(1001).status == Comment.Status.APPROVED  # '1'
    assert wp_comment(1003).status == Comment.Status.PENDING  # '0'
    assert wp_comment(1004).status == Comment.Status.SPAM  # 'spam'
    assert wp_comment(1005).status == Comment.Status.REJECTED  # 'trash'
    assert all(c.moderated_at is None for c in Comment.objects.all())


def test_comment_fields_dates_and_reply_links():
    run_import(MAGAZINE)
    maria, reply = wp_comment(1001), wp_comment(1002)

    assert maria.article == wp_article(101)
    assert (maria.author_name, maria.author_email, maria.author_url) == (
        "Maria Rossi",
        "maria.rossi@example.com",
        "https://maria.example",
    )
    assert maria.created == datetime.datetime(2024, 5, 20, 10, 0, tzinfo=UTC)
    assert reply.parent == maria
    assert wp_comment(1005).parent == maria
    # Siblings in date order: Giulia (11:00 GMT) before the binned one (next day).
    assert list(maria.get_children()) == [reply, wp_comment(1005)]


def test_comment_html_becomes_plain_text_rendered_like_any_comment():
    run_import(MAGAZINE)
    maria = wp_comment(1001)

    assert maria.body == (
        "Che bella lista! Però manca Calvino & Morante 😊\n\n"
        "Secondo paragrafo.\nNuova riga, qui (https://www.example.com/calvino)."
    )
    assert "<script" not in maria.body_html and "alert" not in maria.body
    assert 'rel="nofollow ugc noopener"' in maria.body_html
    stored = (maria.body_html, maria.avatar_colour)
    maria.save()  # what Comment.save() makes of the same text
    assert (maria.body_html, maria.avatar_colour) == stored


def test_pingbacks_and_trackbacks_are_skipped_with_a_reason():
    summary = run_import(MAGAZINE)

    assert "pingback (pingbacks and trackbacks are not imported): 1" in summary
    assert "trackback (pingbacks and trackbacks are not imported): 1" in summary
    assert not Comment.objects.filter(author_name__in=["Un altro blog", "Trackback Blog"]).exists()
    assert Comment.objects.count() == 5


def test_ip_addresses_are_kept_only_within_the_retention_period(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 90
    with time_machine.travel(datetime.datetime(2024, 6, 1, tzinfo=UTC), tick=False):
        run_import(MAGAZINE)
    assert wp_comment(1001).ip_address == "203.0.113.7"

    Comment.objects.all().delete()
    WordPressObject.objects.filter(kind="comment").delete()
    summary = run_import(MAGAZINE)  # today: years after the comments were written
    assert wp_comment(1001).ip_address is None
    assert "IP address older than the retention period: not imported" in summary


def test_imported_emails_never_reach_public_pages(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    run_import(MAGAZINE)
    article = wp_article(101)
    emails = list(Comment.objects.values_list("author_email", flat=True))
    assert "maria.rossi@example.com" in emails

    client = Client()
    pages = [
        article.get_absolute_url(),
        "/",
        "/feed/",
        f"{article.get_absolute_url()}feed/",
        f"{article.get_absolute_url()}feed/atom/",
        "/sitemap.xml",
        "/autore/giulia/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for email in filter(None, emails):
            assert email not in content, (url, email)
    assert "Che bella lista!" in client.get(article.get_absolute_url()).content.decode()


def test_summary_counts_every_type():
    summary = run_import(MAGAZINE)

    assert "WordPress import from https://rivista.example (WXR 1.2)" in summary
    rows = {line.split()[0]: line.split()[1:] for line in summary.splitlines()[3:10]}
    assert rows["authors"] == ["2", "0", "0", "0"]
    assert rows["categories"] == ["3", "0", "0", "0"]
    assert rows["tags"] == ["2", "0", "0", "0"]
    assert rows["articles"] == ["6", "0", "0", "0"]
    assert rows["comments"] == ["5", "0", "0", "3"]
