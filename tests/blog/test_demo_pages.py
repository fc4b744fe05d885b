"""The demo brings the pages a magazine needs and menus that link them."""

import pytest

from blog import demo
from blog.models import Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_rendition_width")]


def test_demo_pages_menus_and_privacy_link(client):
    demo.load()
    paths = set(Page.objects.published().values_list("path", flat=True))
    assert {"chi-siamo", "chi-siamo/redazione", "contatti", "privacy", "cookie"} <= paths
    assert Page.objects.get(is_privacy_policy=True).path == "privacy"
    home = client.get("/").text
    assert 'href="/chi-siamo/redazione/"' in home  # header submenu
    assert 'class="privacy-link" href="/privacy/"' in home  # newsletter form
    assert client.get("/chi-siamo/").status_code == 200
