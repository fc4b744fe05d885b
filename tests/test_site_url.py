"""In production, absolute links come from SITE_URL, never from the Host header a client sent;
production refuses to start while SITE_URL is a local address."""

import pytest
from django.test import Client

from tests.factories import make_article
from tests.test_settings import GOOD_SECRET, run_python

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
PRODUCTION = dict(
    DJANGO_ENV="production",
    SECRET_KEY=GOOD_SECRET,
    ALLOWED_HOSTS="rivista.example",
    REDIS_URL="redis://127.0.0.1:6390/15",
)


@pytest.mark.parametrize(
    "site_url",
    [
        None,
        "http://127.0.0.1:8000",
        "http://localhost",
        "https://[::1]/",
        "https://rivista.localhost",
        "rivista.example",
    ],
)
def test_production_refuses_to_start_while_site_url_is_local(site_url):
    env = dict(PRODUCTION)
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = run_python(SETUP, **env)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr and "public address" in result.stderr


def test_production_starts_with_a_public_site_url():
    result = run_python(SETUP, SITE_URL="https://rivista.example", **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def production_links(settings):
    settings.LINKS_FROM_SITE_URL = True
    settings.SITE_URL = "https://rivista.example"
    settings.ALLOWED_HOSTS = ["rivista.example", "backend.internal"]


@pytest.mark.django_db
def test_every_absolute_link_uses_site_url_not_the_request_host(production_links):
    article = make_article(title="Link canonici")
    client = Client(HTTP_HOST="backend.internal")
    pages = [
        article.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        f"{article.get_absolute_url()}feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]
    for url in pages:
        response = client.get(url, headers={"x-forwarded-host": "evil.example"})
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "https://rivista.example/" in text, url
        assert "backend.internal" not in text, url
        assert "evil.example" not in text, url
        assert "http://" not in text.replace("http://www.w3.org", "").replace(
            "http://www.sitemaps.org", ""
        ).replace("http://purl.org", "").replace("http://ogp.me", "").replace(
            "http://schema.org", ""
        ), url


@pytest.mark.django_db
def test_a_host_we_do_not_serve_is_still_refused(production_links):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
