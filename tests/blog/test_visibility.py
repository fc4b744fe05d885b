"""Drafts and scheduled articles are invisible to readers; staff see them through the preview."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from blog.models import Article, ArticleQuerySet
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_draft,
    make_scheduled,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
NOW = datetime.datetime(2024, 5, 15, 12, 0, tzinfo=ROME)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def trio(frozen_now):
    """A published, a draft and a scheduled article sharing author, category, tag and month."""
    author = make_author()
    category = make_category()
    tag = make_tag()
    shared = {"author": author, "category": category, "tags": [tag]}
    published = make_article(
        title="Pubblicato ieri", publish_at=NOW - datetime.timedelta(days=1), **shared
    )
    draft = make_draft(title="Bozza segreta", publish_at=NOW - datetime.timedelta(days=2), **shared)
    # Published with a future date: scheduled (make_scheduled's date may leave the month).
    scheduled = make_article(
        title="In programma", publish_at=NOW + datetime.timedelta(days=5), **shared
    )
    return {
        "author": author,
        "category": category,
        "tag": tag,
        "published": published,
        "draft": draft,
        "scheduled": scheduled,
    }


def short_url(article):
    day = article.publish_at.astimezone(ROME)
    return reverse(
        "blog:article-short", kwargs={"year": day.year, "month": day.month, "slug": article.slug}
    )


def listing_urls(trio):
    return {
        "home": reverse("blog:home"),
        "category": trio["category"].get_absolute_url(),
        "tag": trio["tag"].get_absolute_url(),
        "author": trio["author"].get_absolute_url(),
        "year": reverse("blog:archive-year", kwargs={"year": 2024}),
        "month": reverse("blog:archive-month", kwargs={"year": 2024, "month": 5}),
    }


LISTINGS = ["home", "category", "tag", "author", "year", "month"]


def test_published_queryset_excludes_drafts_and_scheduled(trio):
    assert list(Article.objects.published()) == [trio["published"]]


def test_published_article_answers_200_on_its_permalink(client, trio):
    response = client.get(trio["published"].get_absolute_url())
    assert response.status_code == 200
    assert "Pubblicato ieri" in response.text


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_hidden_article_is_404_on_its_permalink(client, trio, kind):
    assert client.get(trio[kind].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_hidden_article_is_404_on_its_short_permalink(client, trio, kind):
    assert client.get(short_url(trio[kind])).status_code == 404


def test_short_permalink_of_published_article_is_not_404(client, trio):
    # The counterpart of the two tests above: the short form does find a public article.
    assert client.get(short_url(trio["published"])).status_code == 301


@pytest.mark.parametrize("listing", LISTINGS)
def test_draft_and_scheduled_articles_never_appear_on_listings(client, trio, listing):
    response = client.get(listing_urls(trio)[listing])
    assert response.status_code == 200
    assert "Pubblicato ieri" in response.text
    assert "Bozza segreta" not in response.text
    assert "In programma" not in response.text
    assert trio["draft"].get_absolute_url() not in response.text
    assert trio["scheduled"].get_absolute_url() not in response.text


def test_month_with_only_hidden_articles_is_404(client, frozen_now):
    make_draft(publish_at=datetime.datetime(2024, 3, 3, tzinfo=ROME))
    make_article(publish_at=datetime.datetime(2024, 6, 3, tzinfo=ROME))  # scheduled
    for month in (3, 6):
        url = reverse("blog:archive-month", kwargs={"year": 2024, "month": month})
        assert client.get(url).status_code == 404


def test_scheduled_article_becomes_visible_once_its_time_passes(client, trio, frozen_now):
    scheduled = trio["scheduled"]
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    frozen_now.move_to(scheduled.publish_at + datetime.timedelta(minutes=1))

    assert client.get(scheduled.get_absolute_url()).status_code == 200
    for listing, url in listing_urls(trio).items():
        response = client.get(url)
        assert "In programma" in response.text, listing
        assert "Bozza segreta" not in response.text, listing


def test_scheduled_article_is_hidden_until_the_exact_minute(client, trio, frozen_now):
    scheduled = trio["scheduled"]
    frozen_now.move_to(scheduled.publish_at - datetime.timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    frozen_now.move_to(scheduled.publish_at)
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_public_pages_all_go_through_the_published_queryset(client, trio):
    """Article.objects.published() is the only visibility rule: empty it and the site is empty."""
    urls = listing_urls(trio)
    with mock.patch.object(ArticleQuerySet, "published", lambda self: self.none()):
        assert client.get(trio["published"].get_absolute_url()).status_code == 404
        assert client.get(urls["month"]).status_code == 404
        assert client.get(urls["year"]).status_code == 404
        for listing in ("home", "category", "tag", "author"):
            response = client.get(urls[listing])
            assert "Pubblicato ieri" not in response.text, listing


# Staff preview.


def preview_url(article):
    return reverse("blog:article-preview", kwargs={"pk": article.pk})


def test_editor_sees_a_draft_in_the_preview_never_cached_nor_indexed(client):
    draft = make_draft(title="Bozza da rivedere")
    client.force_login(make_user(groups=["Editors"]))

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert "Bozza da rivedere" in response.text
    assert "noindex" in response["X-Robots-Tag"]
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "private"):
        assert directive in cache_control


def test_editor_sees_a_scheduled_article_in_the_preview(client):
    scheduled = make_scheduled(title="Uscirà presto")
    client.force_login(make_user(groups=["Editors"]))
    response = client.get(preview_url(scheduled))
    assert response.status_code == 200
    assert "Uscirà presto" in response.text


def test_author_sees_their_own_draft_in_the_preview(client):
    user = make_user(groups=["Authors"])
    draft = make_draft(title="La mia bozza", author=make_author(user=user))
    client.force_login(user)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    assert "La mia bozza" in response.text


def test_author_gets_404_for_someone_elses_draft_preview(client):
    user = make_user(groups=["Authors"])
    make_author(user=user)
    other_draft = make_draft(title="Bozza altrui", author=make_author(user=make_user()))
    client.force_login(user)
    response = client.get(preview_url(other_draft))
    assert response.status_code == 404
    assert "Bozza altrui" not in response.text


def test_anonymous_preview_redirects_to_login(client):
    draft = make_draft(title="Bozza riservata")
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Bozza riservata" not in response.text


def test_logged_in_non_staff_cannot_preview(client):
    draft = make_draft(title="Bozza riservata")
    client.force_login(make_user(is_staff=False))
    response = client.get(preview_url(draft))
    assert response.status_code in (302, 403, 404)
    assert "Bozza riservata" not in response.text
