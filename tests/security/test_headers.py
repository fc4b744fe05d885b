"""Security headers on public pages and in the admin: a strict Content-Security-Policy (nonces,
never 'unsafe-inline' or 'unsafe-eval'), nosniff, a referrer policy, a permissions policy,
cross-origin isolation of the window, no framing; HSTS in production.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_article, make_comment, make_user
from tests.security.html_checks import assert_no_executable_markup, csp_nonce

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
STRICT_DIRECTIVES = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def assert_secure_headers(response, *, nonce_expected: bool):
    for name, value in FIXED_HEADERS.items():
        assert response.get(name) == value, (name, response.get(name))
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    directives = policy(response)
    for name, values in STRICT_DIRECTIVES.items():
        assert directives[name] == values, (name, directives[name])
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "*" not in header
    nonce = csp_nonce(response)
    for name in ("script-src", "style-src"):
        expected = {"'self'", f"'nonce-{nonce}'"} if nonce_expected else {"'self'"}
        assert directives[name] == expected, (name, directives[name])
    assert bool(nonce) == nonce_expected


@pytest.fixture
def public_urls():
    article = make_article(title="Un articolo")
    make_comment(article)
    return [
        reverse("blog:home"),
        article.get_absolute_url(),
        reverse("blog:search") + "?q=articolo",
        reverse("blog:author", args=[article.author.slug]),
        reverse("newsletter:signup"),
        "/questa-pagina-non-esiste/",
    ]


def test_public_pages_send_every_header_and_need_no_nonce(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_secure_headers(response, nonce_expected=False)
        # Nothing inline that the policy would refuse: no script but ours, no style attribute.
        assert_no_executable_markup(response)


def test_a_refused_form_and_a_redirect_carry_them_too(client):
    article = make_article()
    refused = client.post(reverse("comments:post", args=[article.pk]), {"body": ""})
    assert refused.status_code == 400
    assert_secure_headers(refused, nonce_expected=False)
    redirect = client.get(article.get_absolute_url().rsplit("/", 3)[0] + f"/{article.slug}/")
    assert redirect.status_code == 301
    assert redirect["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:blog_article_add",
        "admin:blog_article_changelist",
        "admin:comments_comment_changelist",
        "admin:blog_author_add",
    ],
)
def test_admin_pages_put_a_fresh_nonce_on_every_script_and_style(client, url_name):
    client.force_login(make_user(groups=["Editors", "Moderators"]))

    first = client.get(reverse(url_name))
    second = client.get(reverse(url_name))

    assert first.status_code == 200
    assert_secure_headers(first, nonce_expected=True)
    assert csp_nonce(first) != csp_nonce(second)
    assert_no_executable_markup(first)  # every script and style element carries the nonce
    assert f'nonce="{csp_nonce(first)}"' in first.text


def test_the_article_editor_brings_its_stylesheet_with_the_nonce(client):
    client.force_login(make_user(groups=["Editors"]))
    response = client.get(reverse("admin:blog_article_add"))
    nonce = csp_nonce(response)
    assert f'<style data-tiptap-style="" nonce="{nonce}"></style>' in response.text
    assert f'<script type="importmap" nonce="{nonce}">' in response.text


def test_admin_login_page_is_covered_before_logging_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_secure_headers(response, nonce_expected=True)
    assert_no_executable_markup(response)


PRODUCTION_REQUEST = """
import django, os
django.setup()
from django.test import Client
client = Client()
insecure = client.get("/robots.txt")
secure = client.get("/robots.txt", secure=True)
print(insecure.status_code, insecure.get("Location"))
print(secure.status_code, secure.get("Strict-Transport-Security"))
print(secure.get("Content-Security-Policy"))
"""


def test_production_sends_hsts_and_redirects_to_https(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("SECRET_KEY", "DATABASE_URL", "DEBUG")
    }
    env.update(
        IGNORE_DOTENV="1",
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="production-like-secret-for-this-test-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SITE_URL="https://testserver",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/15"),
    )
    if "REDIS_URL" not in os.environ:
        # Not counted on per xdist worker (settings.py would make db 15 into 16, 17...): every
        # anonymous GET reads the cache first (core.page_cache.KeptPagesMiddleware).
        env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUEST],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    insecure, secure, csp = result.stdout.strip().splitlines()[-3:]
    assert insecure == "301 https://testserver/robots.txt"
    assert secure == "200 max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in csp


def test_a_csrf_failure_page_explains_itself_within_the_policy():
    from django.test import Client

    article = make_article()
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("comments:post", args=[article.pk]), {"body": "Ciao"})

    assert response.status_code == 403
    assert "CSRF" in response.text
    assert_secure_headers(response, nonce_expected=True)  # its <style> carries the nonce
    assert_no_executable_markup(response)
