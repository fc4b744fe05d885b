"""Promo banners shown site-wide while active, and the language switcher."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Promo
from tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now()
HOUR = datetime.timedelta(hours=1)


def promo(text, **extra):
    return Promo.objects.create(
        text=text, link="https://rivista.example/abbonati", cta_label=f"CTA {text}", **extra
    )


def test_the_active_promo_is_shown_above_the_content_on_every_page_type(client):
    article = make_article(category=make_category(slug="cultura"))
    promo("Abbonati alla rivista")
    for url in ("/", article.get_absolute_url(), "/categoria/cultura/", "/cerca/?q=x"):
        html = client.get(url).text
        banner = html.index('class="promo"')
        assert banner < html.index('id="content"'), url
        assert "Abbonati alla rivista" in html and "CTA Abbonati alla rivista" in html
        assert 'href="https://rivista.example/abbonati"' in html


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({}, True),
        ({"enabled": False}, False),
        ({"active_from": NOW + HOUR}, False),
        ({"active_from": NOW - HOUR, "active_until": NOW + HOUR}, True),
        ({"active_until": NOW - HOUR}, False),
    ],
)
def test_a_promo_shows_only_while_enabled_and_inside_its_window(client, fields, shown):
    promo("Offerta a tempo", **fields)
    assert ("Offerta a tempo" in client.get("/").text) is shown


def test_the_first_promo_by_order_wins(client):
    promo("Secondo", order=2)
    promo("Primo", order=1)
    html = client.get("/").text
    assert "Primo" in html and "Secondo" not in html


def test_editors_manage_promos_in_the_admin(client):
    client.force_login(make_user(groups=["Editors"]))
    response = client.post(
        reverse("admin:blog_promo_add"),
        {"text": "Nuova campagna", "link": "https://rivista.example/", "cta_label": "Scopri",
         "enabled": "on", "order": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Nuova campagna" in client.get("/").text


def test_the_language_switcher_changes_the_site_language(client):
    home = client.get("/").text
    assert '<html lang="it"' in home
    assert 'name="language"' in home and f'action="{reverse("set_language")}"' in home
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/").text
    assert '<html lang="en"' in english
    assert "Skip to content" in english


def test_dates_are_localized(client):
    article = make_article(publish_at=datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC))
    italian = client.get(article.get_absolute_url()).text
    english = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert "marzo 2026" in italian.lower()
    assert "march" in english.lower()
