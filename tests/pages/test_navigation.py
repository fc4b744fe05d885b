"""Menus edited in the admin and the privacy link on every form that collects personal data."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import Menu, MenuItem, Page
from tests.factories import find_elements, make_article, make_category, make_user

pytestmark = pytest.mark.django_db


def make_page(title, slug, *, status="published", **extra):
    return Page.objects.create(title=title, slug=slug, status=status, body="<p>x</p>", **extra)


@pytest.fixture
def header():
    return Menu.objects.create(location=Menu.Location.HEADER)


def test_header_menu_shows_links_in_order_with_one_level_of_submenu(client, header):
    about = make_page("Chi siamo", "chi-siamo")
    team = make_page("Redazione", "redazione", parent=about)
    category = make_category(name="Economia")
    top = MenuItem.objects.create(menu=header, page=about, order=2)
    MenuItem.objects.create(menu=header, page=team, parent=top, order=1)
    MenuItem.objects.create(menu=header, category=category, order=1)
    MenuItem.objects.create(menu=header, url="https://example.org/", label="Partner", order=3)
    html = client.get("/").text
    wide = html.split('class="menu menu-wide"')[1].split("</ul>\n  <details")[0]
    assert wide.index("Economia") < wide.index("Chi siamo") < wide.index("Partner")
    assert 'class="submenu"' in wide and 'href="/chi-siamo/redazione/"' in wide
    # The phone menu: the same links behind a <summary> button, no script needed.
    assert "<details" in html and "<summary>" in html


def test_current_page_is_marked(client, header):
    about = make_page("Chi siamo", "chi-siamo")
    MenuItem.objects.create(menu=header, page=about)
    html = client.get("/chi-siamo/").text
    assert find_elements(html, "a", href="/chi-siamo/", **{"aria-current": "page"})


def test_draft_pages_are_left_out_of_menus(client, header):
    MenuItem.objects.create(menu=header, page=make_page("Bozza", "bozza", status="draft"))
    assert "/bozza/" not in client.get("/").text


def test_footer_menu(client):
    footer = Menu.objects.create(location=Menu.Location.FOOTER)
    MenuItem.objects.create(menu=footer, page=make_page("Cookie", "cookie"))
    html = client.get("/").text
    assert 'class="footer-nav"' in html and 'href="/cookie/"' in html


def test_menu_change_shows_at_the_next_request(client, header):
    item = MenuItem.objects.create(menu=header, label="Vecchio", url="https://example.org/")
    assert "Vecchio" in client.get("/").text
    item.label = "Nuovo"
    item.save()
    html = client.get("/").text
    assert "Nuovo" in html and "Vecchio" not in html


def test_menus_cost_no_query_once_cached(header):
    MenuItem.objects.create(menu=header, label="Link", url="https://example.org/")
    Client().get("/")
    with CaptureQueriesContext(connection) as queries:
        Client().get("/")
    assert not [q for q in queries if "blog_menuitem" in q["sql"] or "navigation" in q["sql"]]


def test_a_link_points_at_exactly_one_thing(header):
    item = MenuItem(menu=header, label="?")
    with pytest.raises(ValidationError):
        item.full_clean()
    item = MenuItem(menu=header, url="https://example.org/", category=make_category())
    with pytest.raises(ValidationError):
        item.full_clean()


def test_submenus_are_one_level_deep_and_header_only(header):
    top = MenuItem.objects.create(menu=header, url="https://example.org/a")
    middle = MenuItem.objects.create(menu=header, url="https://example.org/b", parent=top)
    with pytest.raises(ValidationError):
        MenuItem(menu=header, url="https://example.org/c", parent=middle).full_clean()
    footer = Menu.objects.create(location=Menu.Location.FOOTER)
    footer_top = MenuItem.objects.create(menu=footer, url="https://example.org/d")
    with pytest.raises(ValidationError):
        MenuItem(menu=footer, url="https://example.org/e", parent=footer_top).full_clean()


def test_editor_builds_a_menu_in_the_admin(client):
    client.force_login(make_user(groups=["Editors"]))
    page = make_page("Contatti", "contatti")
    data = {
        "location": "header",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-order": "1",
        "items-0-label": "",
        "items-0-page": str(page.pk),
        "items-0-url": "",
    }
    response = client.post(reverse("admin:pages_menu_add"), data)
    assert response.status_code == 302
    assert 'href="/contatti/"' in client.get("/").text


# The privacy page.


def test_only_one_privacy_page():
    make_page("Privacy", "privacy", is_privacy_policy=True)
    with pytest.raises(ValidationError):
        Page(title="Altra", slug="altra", is_privacy_policy=True).full_clean()


def test_privacy_link_beside_the_comment_note_and_the_newsletter_form(client):
    make_page("Privacy", "privacy", is_privacy_policy=True)
    html = client.get(make_article().get_absolute_url()).text
    note = html.split('class="comment-notes"')[1].split("</p>")[0]
    assert 'href="/privacy/"' in note
    consent = html.split('class="newsletter-consent"')[1].split("</p>")[0]
    assert 'href="/privacy/"' in consent


def test_no_link_while_the_privacy_page_is_a_draft(client):
    make_page("Privacy", "privacy", is_privacy_policy=True, status="draft")
    assert 'class="privacy-link"' not in client.get(make_article().get_absolute_url()).text


def test_renaming_a_linked_category_updates_the_menu(client, header):
    category = make_category(name="Economia")
    MenuItem.objects.create(menu=header, category=category)
    assert "Economia" in client.get("/").text
    category.name = "Economia e lavoro"
    category.save()
    assert "Economia e lavoro" in client.get("/").text


def test_saving_an_unlinked_tag_does_not_rebuild_the_menus(header):
    from tests.factories import make_tag

    tag = make_tag()
    with CaptureQueriesContext(connection) as queries:
        tag.save()
    assert not [q for q in queries if "blog_sitenavigation" in q["sql"]]
