"""The demo brings the pages a magazine needs and menus that link them."""

from io import StringIO

import pytest
from django.core.management import call_command

from pages import demo
from pages.models import Menu, Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_rendition_width")]


def test_demo_pages_menus_and_privacy_link(client):
    call_command("load_demo", stdout=StringIO())
    paths = set(Page.objects.published().values_list("path", flat=True))
    assert {"chi-siamo", "chi-siamo/redazione", "contatti", "privacy", "cookie"} <= paths
    assert Page.objects.get(is_privacy_policy=True).path == "privacy"
    home = client.get("/").text
    assert 'href="/chi-siamo/redazione/"' in home  # header submenu
    assert 'class="privacy-link" href="/privacy/"' in home  # newsletter form
    assert client.get("/chi-siamo/").status_code == 200


def test_pages_demo_runs_again_without_duplicates():
    call_command("load_demo", stdout=StringIO())
    pages, menus = Page.objects.count(), Menu.objects.count()
    assert demo.load() == {"pages": 0, "menus": 0}
    assert (Page.objects.count(), Menu.objects.count()) == (pages, menus)
