"""Readers see the fediverse: "Rispondi dal fediverso" under an article, an author's handle on
their page, the privacy page's statement; none of it costs a query or fetches anything."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fediverse import actors, services
from fediverse.models import LocalActor
from tests.factories import make_article, make_author, make_comment, make_user

from .conftest import SITE

pytestmark = pytest.mark.django_db


def _page(url) -> str:
    response = Client().get(url, secure=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_article_says_how_to_reply_from_the_fediverse():
    article = make_article()

    page = _page(article.get_absolute_url())

    assert "Rispondi dal fediverso" in page
    address = f"{SITE}/fediverse/articles/{article.pk}/"
    assert f'<code class="fediverse-address">{address}</code>' in page
    assert "segui <code>@redazione@rivista.example</code>" in page
    assert (
        f"{article.author.display_name} è <code>@{article.author.slug}@rivista.example</code>"
        in page
    )


def test_the_article_in_english_says_it_in_english():
    article = make_article()

    response = Client().get(article.get_absolute_url(), secure=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Reply from the fediverse" in response.content.decode()


def test_nothing_is_said_when_the_fediverse_is_off(settings):
    settings.FEDIVERSE_ENABLED = False
    article = make_article()

    page = _page(article.get_absolute_url())

    assert "fediverse-reply" not in page and "@redazione@" not in page


def test_nothing_is_said_when_the_magazines_actor_is_switched_off():
    article = make_article()
    _page(article.get_absolute_url())  # kept for anonymous readers

    services.local_actor_set_enabled(actor=actors.magazine_actor(), enabled=False)

    page = _page(article.get_absolute_url())
    assert "fediverse-reply" not in page and "@redazione@" not in page


def test_an_authors_actor_switched_off_leaves_the_magazines_handle_only():
    article = make_article()
    services.local_actor_set_enabled(actor=actors.author_actor(article.author), enabled=False)

    page = _page(article.get_absolute_url())

    assert "@redazione@rivista.example" in page
    assert f"@{article.author.slug}@" not in page


def test_nothing_is_said_where_comments_are_closed():
    article = make_article(comments_enabled=False)

    assert "fediverse-reply" not in _page(article.get_absolute_url())


def _article_queries(article) -> int:
    """Queries of the cold page (every cache empty)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        _page(article.get_absolute_url())
    return len(queries)


def test_the_reply_box_costs_no_query(settings):
    settings.PAGE_CACHE_ENABLED = False
    article = make_article()
    make_comment(article)
    actors.magazine_actor()
    with_box = _article_queries(article)

    settings.FEDIVERSE_ENABLED = False
    without = _article_queries(article)

    assert with_box == without


def test_the_reply_box_reads_no_actor_row_on_its_own():
    article = make_article()
    LocalActor.objects.all().delete()

    with CaptureQueriesContext(connection) as queries:
        page = _page(article.get_absolute_url())

    assert "fediverse-reply" in page
    actor_queries = [q for q in queries if q["sql"].lstrip().startswith('SELECT "fediverse')]
    assert actor_queries == []


def test_the_author_page_shows_the_authors_handle():
    article = make_article()

    page = _page(article.author.get_absolute_url())

    assert f"<code>@{article.author.slug}@rivista.example</code>" in page


def test_the_author_page_hides_a_switched_off_handle():
    article = make_article()
    url = article.author.get_absolute_url()
    _page(url)

    services.local_actor_set_enabled(actor=actors.author_actor(article.author), enabled=False)

    assert "fediverse-handle" not in _page(url)


def test_an_author_with_no_public_profile_has_no_handle():
    author = make_author(display_name="Senza Articoli")

    assert "fediverse-handle" not in _page(author.get_absolute_url())


def test_an_author_with_an_account_has_a_handle_before_any_article():
    author = make_author(display_name="Con Account", user=make_user())

    assert f"@{author.slug}@rivista.example" in _page(author.get_absolute_url())


def _privacy_page(**extra):
    from pages.models import Page

    return Page.objects.create(
        title="Privacy", slug="privacy", status="published", body="<p>Testo.</p>", **extra
    )


def test_the_privacy_page_states_what_is_kept_of_remote_authors(settings):
    settings.FEDIVERSE_ACTOR_CACHE_SECONDS = 12 * 3600
    page = _privacy_page(is_privacy_policy=True)

    html = _page(page.get_absolute_url())

    assert "<p>Testo.</p>" in html  # the editors' text first
    assert '<h2 id="privacy-fediverse">Dal fediverso</h2>' in html
    assert "Non riceviamo indirizzi email e non conserviamo il tuo indirizzo IP" in html
    assert "avatar che disegniamo con le tue iniziali" in html
    assert "più di 12 ore" in html  # the setting in force
    assert "al massimo 7 giorni" in html  # fediverse.inbox_tasks.KEEP_HANDLED_DAYS
    assert "cancellazione" in html


def test_only_the_privacy_page_carries_the_statement():
    page = _privacy_page()

    assert "privacy-fediverse" not in _page(page.get_absolute_url())


def test_no_statement_with_the_fediverse_off(settings):
    settings.FEDIVERSE_ENABLED = False
    page = _privacy_page(is_privacy_policy=True)

    assert "privacy-fediverse" not in _page(page.get_absolute_url())


def test_an_authors_name_is_escaped_in_the_box():
    article = make_article(author=make_author(display_name="<b>Ada</b>"))

    page = _page(article.get_absolute_url())

    assert "&lt;b&gt;Ada&lt;/b&gt; è <code>" in page


def test_the_page_rendered_again_after_a_refused_comment_still_says_it():
    from django.urls import reverse

    article = make_article()

    response = Client().post(reverse("comments:post", args=[article.pk]), {}, secure=True)

    assert response.status_code == 400
    assert "Rispondi dal fediverso" in response.content.decode()


def test_after_a_refused_comment_a_switched_off_actor_stays_hidden():
    from django.urls import reverse

    article = make_article()
    services.local_actor_set_enabled(actor=actors.author_actor(article.author), enabled=False)

    response = Client().post(reverse("comments:post", args=[article.pk]), {}, secure=True)

    page = response.content.decode()
    assert "@redazione@rivista.example" in page
    assert f"@{article.author.slug}@" not in page


def test_the_article_links_its_object_for_apps_given_the_pages_own_address():
    article = make_article()

    page = _page(article.get_absolute_url())

    head = page[: page.index("</head>")]
    address = f"{SITE}/fediverse/articles/{article.pk}/"
    assert f'<link rel="alternate" type="application/activity+json" href="{address}">' in head


def test_no_object_link_while_the_magazines_actor_is_off():
    article = make_article()
    services.local_actor_set_enabled(actor=actors.magazine_actor(), enabled=False)

    assert "application/activity+json" not in _page(article.get_absolute_url())
