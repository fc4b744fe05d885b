"""core.page_cache on its own: what it keeps, what it refuses to keep, what retires a page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from core import page_cache, versions

pytestmark = pytest.mark.django_db


def anonymous_get(path="/pagina/", **cookies):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.COOKIES.update(cookies)
    return request


def keep(request, body, *, depends_on=("prova:contenuto",), fresh_until=None, **headers):
    def render():
        response = HttpResponse(body() if callable(body) else body)
        for name, value in headers.items():
            response[name] = value
        return response

    return page_cache.render_and_keep(
        request,
        render,
        depends_on=depends_on,
        fresh_until=fresh_until,
        last_modified=1,
        etag_base="prova",
    )


def test_a_kept_page_is_served_with_its_holes_filled_for_each_visitor():
    def body():
        return f"<p>{page_cache.hole('core.botcheck.signed_timestamp', 'prova', 7)}</p>"

    first = keep(anonymous_get(), body)
    served = page_cache.serve(anonymous_get())

    assert served is not None
    values = [response.content.decode()[3:-4] for response in (first, served)]
    assert all(values) and values[0] != values[1]
    assert "pagecachehole" not in served.content.decode()


@pytest.mark.parametrize(
    "render",
    [
        lambda request: f"<p>{get_token(request)}</p>",  # a real token, outside a hole
        lambda request: '<script nonce="abc"></script>',  # a nonce the next visitor lacks
    ],
)
def test_a_render_that_reached_for_something_personal_is_served_but_not_kept(render):
    request = anonymous_get()
    response = keep(request, lambda: render(request))

    assert response.status_code == 200
    assert page_cache.serve(anonymous_get()) is None


def test_a_render_that_set_a_cookie_is_not_kept():
    request = anonymous_get()

    def render():
        response = HttpResponse("<p>ciao</p>")
        response.set_cookie("preferenza", "1")
        return response

    response = page_cache.render_and_keep(
        request, render, depends_on=(), last_modified=1, etag_base="prova"
    )

    assert response.cookies["preferenza"].value == "1"
    assert page_cache.serve(anonymous_get()) is None


def test_a_moved_or_lost_version_retires_the_page():
    keep(anonymous_get(), "<p>uno</p>")
    assert page_cache.serve(anonymous_get()) is not None

    versions.bump("prova:contenuto")
    assert page_cache.serve(anonymous_get()) is None

    keep(anonymous_get(), "<p>due</p>")
    cache.delete("prova:contenuto:v")  # the cache lost the version: nothing proves it current
    assert page_cache.serve(anonymous_get()) is None


def test_a_page_past_its_own_deadline_is_not_served(monkeypatch):
    keep(anonymous_get(), "<p>uno</p>", fresh_until=1000.0)
    monkeypatch.setattr(page_cache.time, "time", lambda: 999.0)
    assert page_cache.serve(anonymous_get()) is not None
    monkeypatch.setattr(page_cache.time, "time", lambda: 1000.0)
    assert page_cache.serve(anonymous_get()) is None


def test_only_the_csrf_and_language_cookies_and_named_parameters_are_allowed(settings):
    assert page_cache.can_keep(anonymous_get(csrftoken="x", django_language="en"))
    assert not page_cache.can_keep(anonymous_get(sessionid="x"))
    assert not page_cache.can_keep(anonymous_get("/pagina/?page=2"))
    assert page_cache.can_keep(anonymous_get("/pagina/?page=2"), params=("page",))
    post = RequestFactory().post("/pagina/")
    post.user = AnonymousUser()
    assert not page_cache.can_keep(post)
    settings.PAGE_CACHE_ENABLED = False
    assert not page_cache.can_keep(anonymous_get())


def test_outside_a_kept_render_there_are_no_holes():
    assert page_cache.hole("django.middleware.csrf.get_token") is None
    assert page_cache.csrf_placeholder(anonymous_get()) == {}


@pytest.mark.parametrize(
    "body",
    [
        b"<p>no hole at all</p>",
        b"{0}",  # a page that is only a hole
        b"<p>{0}{1}</p><p>pagecachehole</p>{2}",  # holes side by side, a name without its run
        b"p" * 100_000 + b"{0}" + b"<p>" * 50_000,  # far apart, past many false starts
    ],
)
def test_a_rendered_page_is_cut_at_its_holes_as_a_regular_expression_would(body):
    import re

    recording = page_cache._Recording()
    marked = body.replace(b"{0}", recording.add("f", ()).encode())
    marked = marked.replace(b"{1}", recording.add("f", ()).encode())
    marked = marked.replace(b"{2}", recording.add("f", ()).encode())

    expected = re.split(rb"%s(\d+)y" % recording.marker.encode(), marked)
    assert recording.split(marked) == expected
    assert len(expected) == 2 * body.count(b"{") + 1
