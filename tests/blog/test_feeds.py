"""RSS and Atom feeds, read the way a feed reader reads them (feedparser)."""

import datetime
import html

import feedparser
import pytest
from defusedxml import minidom
from django.urls import reverse

from blog import feeds
from comments.models import Comment
from comments.services import comment_set_status
from tests.blog.helpers import at
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_draft,
    make_scheduled,
    make_tag,
)

pytestmark = pytest.mark.django_db

KINDS = ["rss", "atom"]
CONTENT_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def url_of(name, kind, *args):
    return reverse(f"blog:{name}-atom" if kind == "atom" else f"blog:{name}", args=args)


def read_feed(client, url, kind):
    """The parsed feed and its raw XML; fails on anything a feed reader would complain about."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(CONTENT_TYPES[kind])
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    return parsed, response.content.decode()


def titles(parsed) -> list[str]:
    # Titles are plain text, escaped once for XML: what the reader reads is what was typed.
    return [entry.title for entry in parsed.entries]


def comments_feed_url(article, kind):
    return feeds.article_comments_feed_url(article, atom=kind == "atom")


# The whole site.


@pytest.mark.parametrize("kind", KINDS)
def test_site_feed_lists_published_articles_newest_first(client, kind):
    make_article(title="Il più vecchio", publish_at=at(2024, 1, 1))
    make_article(title="Il più nuovo", publish_at=at(2024, 3, 1))
    make_article(title="Quello di mezzo", publish_at=at(2024, 2, 1))

    parsed, _ = read_feed(client, url_of("feed", kind), kind)

    assert titles(parsed) == ["Il più nuovo", "Quello di mezzo", "Il più vecchio"]


@pytest.mark.parametrize("kind", KINDS)
def test_site_feed_never_shows_drafts_or_scheduled_articles(client, kind):
    make_article(title="Pubblicato")
    make_draft(title="Bozza segreta")
    make_scheduled(title="Programmato per domani")

    parsed, raw = read_feed(client, url_of("feed", kind), kind)

    assert titles(parsed) == ["Pubblicato"]
    assert "Bozza segreta" not in raw
    assert "Programmato per domani" not in raw


@pytest.mark.parametrize("kind", KINDS)
def test_site_feed_entry_carries_link_lead_dates_author_and_categories(client, kind):
    author = make_author(display_name="Giulia Neri")
    category = make_category(name="Tecnologia")
    tags = [make_tag(name="Modelli"), make_tag(name="Dati")]
    article = make_article(
        title="Un titolo",
        lead="Il sommario dell'articolo.",
        author=author,
        category=category,
        tags=tags,
        publish_at=at(2024, 5, 6),
    )

    parsed, _ = read_feed(client, url_of("feed", kind), kind)

    (entry,) = parsed.entries
    assert entry.link == "http://testserver" + article.get_absolute_url()
    assert html.unescape(entry.summary) == "Il sommario dell'articolo."
    assert entry.author == "Giulia Neri"
    assert {tag.term for tag in entry.tags} == {"Tecnologia", "Modelli", "Dati"}
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    assert published == at(2024, 5, 6)
    if kind == "atom":  # RSS 2.0 has no element for it
        article.refresh_from_db()
        updated = datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC)
        assert updated == article.updated.replace(microsecond=0)


@pytest.mark.parametrize("kind", KINDS)
def test_article_without_lead_is_described_by_the_start_of_its_body_as_text(client, kind):
    words = " ".join(f"parola{i}" for i in range(200))
    make_article(lead="", body=f"<h2>Inizio</h2><p><strong>Grassetto</strong> e {words}</p>")

    parsed, _ = read_feed(client, url_of("feed", kind), kind)

    summary = html.unescape(parsed.entries[0].summary)
    assert summary.startswith("Inizio Grassetto e parola0")
    assert "<strong>" not in summary and "<h2>" not in summary
    assert "parola100" not in summary  # an excerpt, not the whole body


def titles_in_xml(raw: str) -> list[str]:
    """The text of each item's or entry's <title>, as an XML parser reads it."""
    document = minidom.parseString(raw)
    items = document.getElementsByTagName("item") or document.getElementsByTagName("entry")
    return [item.getElementsByTagName("title")[0].firstChild.data for item in items]


TRICKY_TITLE = 'L\'arte di Tom & Jerry: "virgolette" e <b>parentesi</b>'


@pytest.mark.parametrize("kind", KINDS)
def test_a_title_with_an_apostrophe_and_an_ampersand_reads_as_typed(client, kind):
    make_article(title=TRICKY_TITLE)

    parsed, raw = read_feed(client, url_of("feed", kind), kind)

    assert titles(parsed) == [TRICKY_TITLE]
    assert titles_in_xml(raw) == [TRICKY_TITLE]


@pytest.mark.parametrize("kind", KINDS)
def test_a_comment_title_with_an_apostrophe_and_an_ampersand_reads_as_typed(client, kind):
    article = make_article(title=TRICKY_TITLE)
    make_comment(article, author_name="Dell'Orto & figli")

    parsed, raw = read_feed(client, comments_feed_url(article, kind), kind)

    assert titles_in_xml(raw) == [f"Dell'Orto & figli su «{TRICKY_TITLE}»"]
    assert titles(parsed) == [f"Dell'Orto & figli su «{TRICKY_TITLE}»"]
    assert parsed.feed.title == f"Commenti su «{TRICKY_TITLE}»"


def test_site_feed_has_absolute_links_and_the_site_title(client, settings):
    settings.SITE_NAME = "Rivista di prova"
    make_article()

    parsed, _ = read_feed(client, url_of("feed", "rss"), "rss")

    assert parsed.feed.title == "Rivista di prova"
    assert parsed.feed.link == "http://testserver/"


# One category, tag or author.


@pytest.mark.parametrize("kind", KINDS)
def test_category_feed_lists_only_that_categorys_published_articles(client, kind):
    category = make_category(slug="scienza")
    make_article(title="Scienza vecchia", category=category, publish_at=at(2024, 1, 1))
    make_article(title="Scienza nuova", category=category, publish_at=at(2024, 2, 1))
    make_draft(title="Scienza in bozza", category=category)
    make_scheduled(title="Scienza domani", category=category)
    make_article(title="Altra categoria", category=make_category())

    parsed, _ = read_feed(client, url_of("category-feed", kind, "scienza"), kind)

    assert titles(parsed) == ["Scienza nuova", "Scienza vecchia"]


@pytest.mark.parametrize("kind", KINDS)
def test_tag_feed_lists_only_that_tags_published_articles(client, kind):
    tag = make_tag(slug="clima")
    make_article(title="Sul clima", tags=[tag], publish_at=at(2024, 1, 1))
    make_article(title="Ancora sul clima", tags=[tag], publish_at=at(2024, 2, 1))
    make_draft(title="Clima in bozza", tags=[tag])
    make_article(title="Senza tag")

    parsed, _ = read_feed(client, url_of("tag-feed", kind, "clima"), kind)

    assert titles(parsed) == ["Ancora sul clima", "Sul clima"]


@pytest.mark.parametrize("kind", KINDS)
def test_author_feed_lists_only_that_authors_published_articles(client, kind):
    author = make_author(slug="giulia")
    make_article(title="Di Giulia", author=author, publish_at=at(2024, 1, 1))
    make_article(title="Ancora di Giulia", author=author, publish_at=at(2024, 2, 1))
    make_scheduled(title="Giulia domani", author=author)
    make_article(title="Di qualcun altro")

    parsed, _ = read_feed(client, url_of("author-feed", kind, "giulia"), kind)

    assert titles(parsed) == ["Ancora di Giulia", "Di Giulia"]
    assert parsed.feed.link == "http://testserver" + author.get_absolute_url()


@pytest.mark.parametrize("name", ["category-feed", "tag-feed", "author-feed"])
def test_feed_of_an_unknown_slug_is_404(client, name):
    assert client.get(url_of(name, "rss", "non-esiste")).status_code == 404


def test_feed_holds_at_most_the_latest_articles(client, monkeypatch):
    monkeypatch.setattr(feeds, "ARTICLES_PER_FEED", 3)
    for day in range(1, 6):
        make_article(title=f"Giorno {day}", publish_at=at(2024, 1, day))

    parsed, _ = read_feed(client, url_of("feed", "rss"), "rss")

    assert titles(parsed) == ["Giorno 5", "Giorno 4", "Giorno 3"]


# An article's comments.


@pytest.mark.parametrize("kind", KINDS)
def test_comments_feed_lists_only_approved_comments_newest_first(client, kind):
    article = make_article(title="Il pezzo")
    first = make_comment(article, author_name="Anna", body="Primo approvato.")
    make_comment(article, author_name="Bruno", body="In attesa.", status="pending")
    make_comment(article, author_name="Carla", body="Spam puro.", status="spam")
    make_comment(article, author_name="Dario", body="Respinto.", status="rejected")
    reply = make_comment(article, parent=first, author_name="Elena", body="Risposta approvata.")
    make_comment(make_article(), author_name="Franco", body="Su un altro articolo.")

    parsed, raw = read_feed(client, comments_feed_url(article, kind), kind)

    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/commento/{reply.pk}/",
        f"http://testserver/commento/{first.pk}/",
    ]
    assert [entry.author for entry in parsed.entries] == ["Elena", "Anna"]
    entry_titles = titles(parsed)
    assert "Elena" in entry_titles[0] and "«Il pezzo»" in entry_titles[0]
    assert "Risposta approvata." in parsed.entries[0].summary
    for hidden in ("In attesa.", "Spam puro.", "Respinto.", "Su un altro articolo."):
        assert hidden not in raw


@pytest.mark.parametrize("kind", KINDS)
def test_comments_feed_never_contains_an_email_address(client, kind):
    article = make_article()
    approved = make_comment(article, author_email="approvata.riservata@posta-segreta.test")
    make_comment(article, parent=approved, author_email="risposta.riservata@posta-segreta.test")
    make_comment(article, author_email="in.attesa@posta-segreta.test", status="pending")
    make_comment(article, author_email="spam.spam@posta-segreta.test", status="spam")
    make_comment(article, author_name="", author_email="senza.nome@posta-segreta.test")

    parsed, raw = read_feed(client, comments_feed_url(article, kind), kind)

    assert len(parsed.entries) == 3
    assert "posta-segreta" not in raw
    assert "@" not in raw
    assert all("email" not in entry.get("author_detail", {}) for entry in parsed.entries)


def test_comments_feed_shows_a_reply_whose_parent_was_rejected(client):
    article = make_article()
    parent = make_comment(article, body="Poi rimosso.")
    make_comment(article, parent=parent, body="La risposta resta.")
    comment_set_status(comment=parent, status=Comment.Status.REJECTED)

    parsed, raw = read_feed(client, comments_feed_url(article, "rss"), "rss")

    assert len(parsed.entries) == 1
    assert "La risposta resta." in parsed.entries[0].summary
    assert "Poi rimosso." not in raw


def test_comments_feed_holds_at_most_the_latest_comments(client, monkeypatch):
    monkeypatch.setattr(feeds, "COMMENTS_PER_FEED", 2)
    article = make_article()
    made = [make_comment(article, body=f"Commento {i}.") for i in range(4)]

    parsed, _ = read_feed(client, comments_feed_url(article, "rss"), "rss")

    assert [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in parsed.entries] == [
        str(made[3].pk),
        str(made[2].pk),
    ]


@pytest.mark.parametrize("maker", [make_draft, make_scheduled])
def test_comments_feed_of_an_unpublished_article_is_404(client, maker):
    article = maker()
    Comment.objects.create(article=article, body="Nascosto.", status=Comment.Status.APPROVED)

    response = client.get(comments_feed_url(article, "rss"))

    assert response.status_code == 404
    assert b"Nascosto." not in response.content


def test_comments_feed_follows_the_article_when_its_date_moves(client):
    article = make_article(publish_at=at(2024, 1, 10))
    old_url = comments_feed_url(article, "atom")
    article.publish_at = at(2024, 2, 20)
    article.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == comments_feed_url(article, "atom")
    assert response["Location"].startswith(article.get_absolute_url())


def test_comments_feed_lives_under_the_article_address(client):
    article = make_article(publish_at=at(2024, 3, 5))

    assert comments_feed_url(article, "rss") == article.get_absolute_url() + "feed/"
    assert comments_feed_url(article, "atom") == article.get_absolute_url() + "feed/atom/"
