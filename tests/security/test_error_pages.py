"""Our own error pages: translated, on the site's frame, never a 500 for a body or query no view
can read."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_comment, make_user, post_form_data
from tests.security.helpers import assert_clear_refusal, refusal_message

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
CHARSETS = ["utf8", "latin-1", "iso-8859-1"]


def hostile_client() -> Client:
    """A client that gets the response Django would send, as a real server does."""
    return Client(raise_request_exception=False)


def form_endpoints(article) -> list[str]:
    return [
        reverse("comments:post", args=[article.pk]),
        reverse("newsletter:signup"),
        reverse("admin:login"),
        reverse("set_language"),
        reverse("readership:hit"),  # CSRF-exempt: the middleware alone stands between
    ]


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_form_post_in_another_charset_is_our_translated_400(charset):
    article = make_article()
    client = hostile_client()
    body = "&".join(f"{key}={value}" for key, value in post_form_data(article).items())
    for url in form_endpoints(article):
        response = client.post(
            url,
            body.encode("latin-1", "replace") + b"&author_name=Jos%E9",
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
            headers=ENGLISH,
        )
        assert response.status_code == 400, url
        assert_clear_refusal(response)
        assert "Request not understood" in refusal_message(response.text)


def test_the_400_page_speaks_italian_by_default():
    response = hostile_client().post(
        reverse("newsletter:signup"),
        "x=1",
        content_type="application/x-www-form-urlencoded; charset=utf8",
    )
    assert response.status_code == 400
    assert "Richiesta non comprensibile" in response.text


def browser_with_csrf_cookie() -> Client:
    """A client that checks CSRF and answers as a real server does, holding a CSRF cookie.

    With the cookie, Django's CSRF check reads the body for the token: the path that turned the
    400 page into a 500 while the test client's default (no CSRF check) hid it.
    """
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    return client


def every_form_endpoint(article) -> list[str]:
    comment = make_comment(article)
    return [
        reverse("comments:post", args=[article.pk]),
        reverse("comments:follow", args=[article.pk]),
        reverse("comments:flag", args=[comment.pk]),
        reverse("newsletter:signup"),
        reverse("contact:send"),
        reverse("admin:login"),
        reverse("set_language"),
    ]


UNREADABLE_BODIES = {
    "another charset": (b"a=b", "application/x-www-form-urlencoded; charset=utf8"),
    "latin-1 bytes": (b"author_name=Jos%E9", "application/x-www-form-urlencoded; charset=latin-1"),
    "too many fields": (
        "&".join(f"f{n}=1" for n in range(1500)).encode(),
        "application/x-www-form-urlencoded",
    ),
    "too big": (b"a=" + b"x" * (3 * 1024 * 1024), "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("kind", UNREADABLE_BODIES)
def test_an_unreadable_body_with_a_csrf_cookie_is_our_400_everywhere(kind):
    body, content_type = UNREADABLE_BODIES[kind]
    article = make_article()
    client = browser_with_csrf_cookie()
    for url in every_form_endpoint(article):
        # generic() sends the bytes as they are, as curl does (post() would encode them in the
        # declared charset first, and fails itself on one Python does not know).
        response = client.generic("POST", url, body, content_type=content_type, headers=ENGLISH)
        assert response.status_code == 400, (url, response.status_code)
        assert_clear_refusal(response)
        assert "Request not understood" in refusal_message(response.text)


def test_the_400_page_still_gives_its_footer_forms_a_csrf_token():
    response = browser_with_csrf_cookie().post(
        reverse("newsletter:signup"),
        b"a=b",
        content_type="application/x-www-form-urlencoded; charset=utf8",
    )
    assert response.status_code == 400
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_a_bad_request_raised_behind_the_csrf_check_is_our_400_too():
    """A multipart body the CSRF check cannot parse reaches the 400 handler from Django's own
    exception handling, not from our middleware: the handler must not read it again."""
    article = make_article()
    client = browser_with_csrf_cookie()
    fields = "".join(
        f'--B\r\nContent-Disposition: form-data; name="f{n}"\r\n\r\n1\r\n' for n in range(1500)
    )
    for url in every_form_endpoint(article):
        response = client.post(
            url, (fields + "--B--\r\n").encode(), content_type="multipart/form-data; boundary=B"
        )
        assert response.status_code in (400, 403), (url, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "a\x00b"},
        {"page": "\x00"},
        {"\x00": "1"},
    ],
)
def test_a_nul_byte_in_a_public_query_string_is_a_400(query):
    make_article()
    client = hostile_client()
    for url in [reverse("blog:search"), reverse("blog:home"), reverse("blog:feed")]:
        response = client.get(url, query, headers=ENGLISH)
        assert response.status_code == 400, url
        assert_clear_refusal(response)


def test_a_nul_byte_in_admin_filters_and_autocomplete_is_a_400():
    make_article()
    client = hostile_client()
    client.force_login(make_user(is_superuser=True))
    urls = [
        (reverse("admin:blog_article_changelist"), {"q": "x\x00"}),
        (reverse("admin:blog_article_changelist"), {"status__exact": "\x00"}),
        (reverse("admin:comments_comment_changelist"), {"status__exact": "pending\x00"}),
        (
            reverse("admin:autocomplete"),
            {"term": "\x00", "app_label": "blog", "model_name": "article", "field_name": "tags"},
        ),
    ]
    for url, query in urls:
        response = client.get(url, query, headers=ENGLISH)
        assert response.status_code == 400, (url, query)


def test_the_403_page_is_ours_and_translated():
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils import translation

    from config.errors import permission_denied

    request = RequestFactory().get("/")
    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_the_500_page_is_translated_and_needs_nothing_but_templates(monkeypatch):
    from django.test import RequestFactory
    from django.utils import translation

    from config.errors import server_error

    with translation.override("en"):
        english = server_error(RequestFactory().get("/")).content.decode()
    with translation.override("it"):
        italian = server_error(RequestFactory().get("/")).content.decode()
    assert "Something went wrong" in english
    assert "Si è verificato un errore" in italian


def test_the_404_page_is_ours_and_translated():
    response = hostile_client().get("/no-such-page-at-all/", headers=ENGLISH)
    assert response.status_code == 404
    assert "Page not found" in response.text
