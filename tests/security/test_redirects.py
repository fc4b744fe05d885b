"""No open redirect: whatever a `next` (or Referer, or path) says, every redirect stays here."""

import pytest
from django.urls import reverse

from comments.unsubscribe import make_token
from tests.factories import make_article, make_comment, make_user, post_form_data
from tests.newsletter.helpers import signup_data
from tests.security.helpers import post_comment

pytestmark = pytest.mark.django_db

EVIL = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/%2F%2Fevil.example",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
]
PASSWORD = "una-password-per-il-test"


def assert_stays_here(response):
    """A redirect to a path of ours (or an absolute URL on this host), nothing a browser could
    read as another host or a script ("/%2F%2Fevil.example" is a path here, and fine)."""
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    location = response["Location"]
    if location.startswith("http://testserver/"):
        location = location.removeprefix("http://testserver")
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert not any(ord(character) < 0x21 for character in location), location


@pytest.mark.parametrize("target", EVIL)
def test_language_switch_never_leaves_the_site(client, target):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": target}, headers={"referer": target}
    )
    assert_stays_here(response)


@pytest.mark.parametrize("target", EVIL)
def test_admin_login_never_leaves_the_site(client, target):
    make_user(username="redazione", password=PASSWORD, groups=["Editors"])
    page = client.get(reverse("admin:login"), {"next": target})
    assert page.status_code == 200

    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "redazione", "password": PASSWORD, "next": target},
    )

    assert_stays_here(response)


@pytest.mark.parametrize("target", EVIL)
def test_admin_logout_never_leaves_the_site(client, target):
    client.force_login(make_user(groups=["Editors"]))
    response = client.post(reverse("admin:logout") + "?next=" + target, {"next": target})
    if response.status_code != 200:  # The "logged out" page, or a redirect: ours.
        assert_stays_here(response)


@pytest.mark.parametrize("target", EVIL)
def test_posting_a_comment_redirects_to_the_article_only(client, settings, target):
    settings.COMMENTS_RATE_LIMIT = 1000
    article = make_article()
    response = client.post(
        reverse("comments:post", args=[article.pk]) + "?next=" + target,
        {**post_form_data(article), "next": target, "redirect_to": target},
        headers={"referer": target},
    )
    assert_stays_here(response)
    assert response["Location"].startswith(article.get_absolute_url())


@pytest.mark.parametrize("target", EVIL)
def test_newsletter_sign_up_redirects_to_its_own_page_only(client, target):
    response = client.post(
        reverse("newsletter:signup") + "?next=" + target,
        {**signup_data(), "next": target},
        headers={"referer": target},
    )
    assert_stays_here(response)
    assert response["Location"] == reverse("newsletter:check-inbox")


@pytest.mark.parametrize("target", EVIL[:4])
def test_unsubscribe_and_confirm_pages_answer_in_place(client, target):
    comment = make_comment(make_article())
    urls = [
        reverse("comments:unsubscribe", args=[make_token(comment)]),
        reverse("comments:unsubscribe", args=["forged"]),
        reverse("newsletter:unsubscribe", args=["forged"]),
        reverse("newsletter:confirm", args=["forged"]),
    ]
    for url in urls:
        response = client.get(url, {"next": target})
        assert response.status_code in (200, 400, 410), (url, response.status_code)


@pytest.mark.parametrize(
    "path",
    ["//evil.example", "///evil.example", "/\\evil.example", "//evil.example/feed", "/\\/x"],
)
def test_paths_that_look_like_other_hosts_are_never_redirected_there(client, path):
    """CommonMiddleware adds a slash with a redirect: it must not turn //host into a host."""
    response = client.get("/", PATH_INFO=path)
    if 300 <= response.status_code < 400:
        assert_stays_here(response)
    else:
        assert response.status_code == 404


def test_old_addresses_and_short_permalinks_redirect_on_site(client):
    article = make_article()
    short = article.get_absolute_url().rsplit("/", 3)[0] + f"/{article.slug}/"
    for url in [short + "?next=https://evil.example/", "/?p=1&next=//evil.example"]:
        response = client.get(url)
        if response.status_code != 200:
            assert_stays_here(response)


def test_preview_sends_anonymous_visitors_to_the_login_page_here(client):
    article = make_article()
    response = client.get(reverse("blog:article-preview", args=[article.pk]), {"next": EVIL[0]})
    assert_stays_here(response)
    assert response["Location"].startswith(reverse("admin:login"))


def test_posting_a_comment_with_a_hostile_website_still_redirects_here(client, settings):
    settings.COMMENTS_RATE_LIMIT = 1000
    article = make_article()
    response = post_comment(client, article, author_url="https://evil.example/")
    assert_stays_here(response)
