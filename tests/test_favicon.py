"""/favicon.ico, which browsers ask for wherever a page names no icon, is the site's icon."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_site_icon_under_the_policy(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_favicon_ico_is_read_only(client):
    assert client.head("/favicon.ico").status_code == 301
    assert client.post("/favicon.ico").status_code == 405
