"""Whole pages kept for anonymous readers (core.page_cache): served without a query or a
template, never with another visitor's token, never stale, never anyone's personal page."""

import datetime
import gzip
import re

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.forms import TIMESTAMP_SALT
from comments.models import Comment, DiscussionSettings
from comments.services import comment_set_status
from core import compression, page_cache
from tests.factories import make_article, make_comment, post_form_data

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP_FIELD = re.compile(r'name="(?:[\w-]+-)?timestamp" value="([^"]+)"')


class Rendered:
    """Counts the templates rendered while it is open."""

    def __enter__(self):
        self.templates = []
        template_rendered.connect(self._add)
        return self

    def _add(self, sender, template, **kwargs):
        self.templates.append(template.name)

    def __exit__(self, *exc):
        template_rendered.disconnect(self._add)


def read(url, client=None, **headers):
    """A page as a new anonymous reader sees it: (response, queries, templates)."""
    client = client or Client()
    with CaptureQueriesContext(connection) as queries, Rendered() as rendered:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response, len(queries), rendered.templates


def without_per_visitor_values(html: str) -> str:
    return TIMESTAMP_FIELD.sub("", CSRF_FIELD.sub("", html))


def test_a_warm_article_page_costs_no_query_and_no_template():
    article = make_article(body="<p>Il corpo dell'articolo.</p>")
    make_comment(article, body="Un commento approvato.")
    url = article.get_absolute_url()

    first, first_queries, first_templates = read(url)
    again, queries, templates = read(url)

    assert first_queries > 0 and first_templates
    assert (queries, templates) == (0, [])
    assert "Un commento approvato." in again.text
    assert without_per_visitor_values(again.text) == without_per_visitor_values(first.text)
    assert again["ETag"] and again["Last-Modified"] and "no-cache" in again["Cache-Control"]


def test_a_warm_listing_costs_no_query():
    make_article(title="In prima pagina")
    read(reverse("blog:home"))

    again, queries, templates = read(reverse("blog:home"))

    assert "In prima pagina" in again.text
    assert (queries, templates) == (0, [])


def test_each_reader_of_a_kept_page_gets_a_csrf_token_of_their_own():
    article = make_article()
    url = article.get_absolute_url()
    read(url)  # kept now
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]

    for reader in readers:
        page, queries, _ = read(url, reader)
        assert queries == 0
        tokens = set(CSRF_FIELD.findall(page.text))
        assert tokens
        secret = reader.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert readers[0].cookies["csrftoken"].value != readers[1].cookies["csrftoken"].value


def test_each_reader_of_a_kept_page_gets_a_fresh_single_use_timestamp():
    article = make_article()
    url = article.get_absolute_url()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        read(url)
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        first, queries, _ = read(url)
        second, _, _ = read(url)

    assert queries == 0
    stamps = [
        signing.loads(TIMESTAMP_FIELD.search(page.text).group(1), salt=TIMESTAMP_SALT)
        for page in (first, second)
    ]
    # Made when each reader was served, for this article, each with its own nonce.
    assert {stamp["t"] for stamp in stamps} == {int(start.timestamp()) + 300}
    assert {stamp["s"] for stamp in stamps} == {article.pk}
    assert stamps[0]["n"] != stamps[1]["n"]


def test_a_reader_posts_a_comment_with_the_form_of_a_kept_page(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article()
    url = article.get_absolute_url()
    read(url)
    reader = Client(enforce_csrf_checks=True)
    page, queries, _ = read(url, reader)
    assert queries == 0

    data = post_form_data(
        article,
        csrfmiddlewaretoken=CSRF_FIELD.search(page.text).group(1),
        timestamp=TIMESTAMP_FIELD.search(page.text).group(1),
        body="Scritto dalla pagina conservata.",
    )
    response = reader.post(reverse("comments:post", args=[article.pk]), data)

    assert response.status_code == 302
    assert Comment.objects.get().body == "Scritto dalla pagina conservata."


def test_an_approved_comment_shows_on_the_next_read():
    article = make_article()
    held = make_comment(article, status="pending", body="Appena approvato.")
    url = article.get_absolute_url()
    read(url)

    comment_set_status(comment=held, status=Comment.Status.APPROVED)
    page, queries, _ = read(url)

    assert queries > 0
    assert "Appena approvato." in page.text


def test_an_edited_article_is_served_as_it_is_now():
    article = make_article(title="Titolo di prima")
    url = article.get_absolute_url()
    read(url)

    article.title = "Titolo di adesso"
    article.save()

    assert "Titolo di adesso" in read(url)[0].text


def test_a_scheduled_article_going_live_retires_the_kept_listing():
    start = timezone.now()
    make_article(title="Già uscito")
    # Minutes, well inside the kept page's lifetime: only the page's own deadline retires it.
    make_article(title="Esce fra un minuto", publish_at=start + datetime.timedelta(minutes=1))
    with time_machine.travel(start, tick=False):
        before, _, _ = read(reverse("blog:home"))
        _, queries, _ = read(reverse("blog:home"))
    assert "Esce fra un minuto" not in before.text and queries == 0

    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        after, _, _ = read(reverse("blog:home"))

    assert "Esce fra un minuto" in after.text


def test_comments_closing_by_age_retire_the_kept_page(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 2
    start = timezone.now()
    # They close a minute from now: well inside the kept page's lifetime.
    article = make_article(publish_at=start - datetime.timedelta(days=2, minutes=-1))
    url = article.get_absolute_url()
    with time_machine.travel(start, tick=False):
        open_page, _, _ = read(url)
        assert read(url)[1] == 0
    assert 'name="body"' in open_page.text

    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        closed_page, _, _ = read(url)

    assert 'name="body"' not in closed_page.text


def test_new_discussion_settings_retire_every_kept_article_page():
    article = make_article(publish_at=timezone.now() - datetime.timedelta(days=30))
    url = article.get_absolute_url()
    assert 'name="body"' in read(url)[0].text

    rules = DiscussionSettings.from_django_settings()
    rules.pk = DiscussionSettings.SINGLETON_PK
    rules.close_after_days = 7
    rules.save()

    assert 'name="body"' not in read(url)[0].text


def test_a_commenters_own_pending_comment_is_never_kept_for_others(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article()
    url = article.get_absolute_url()
    read(url)
    commenter = Client()
    commenter.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, body="In attesa di moderazione.", author_email="a@example.it"),
    )
    assert Comment.objects.get().status == Comment.Status.PENDING

    own, own_queries, _ = read(url, commenter)
    stranger, stranger_queries, _ = read(url)
    own_again, _, _ = read(url, commenter)

    assert own_queries > 0 and "In attesa di moderazione." in own.text
    assert "In attesa di moderazione." in own_again.text
    assert stranger_queries == 0 and "In attesa di moderazione." not in stranger.text
    assert "private" in own["Cache-Control"]


def test_each_language_is_kept_apart():
    url = make_article().get_absolute_url()
    read(url, HTTP_ACCEPT_LANGUAGE="it")
    read(url, HTTP_ACCEPT_LANGUAGE="en")

    italian, it_queries, _ = read(url, HTTP_ACCEPT_LANGUAGE="it")
    english, en_queries, _ = read(url, HTTP_ACCEPT_LANGUAGE="en")

    assert (it_queries, en_queries) == (0, 0)
    assert '<html lang="it"' in italian.text
    assert '<html lang="en"' in english.text


@pytest.mark.parametrize("query", ["?utm_source=newsletter", "?replytocom=1", "?pagina=abc&x=1"])
def test_an_address_with_other_parameters_is_rendered_not_kept(query):
    url = make_article().get_absolute_url() + query
    read(url)

    assert read(url)[1] > 0


def test_the_comment_pages_of_an_article_are_kept_one_by_one(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = make_article()
    for n in range(5):
        make_comment(article, body=f"Radice {n}.")
    url = article.get_absolute_url()
    read(url + "?pagina=1")
    read(url + "?pagina=2")

    first, first_queries, _ = read(url + "?pagina=1")
    second, second_queries, _ = read(url + "?pagina=2")

    assert (first_queries, second_queries) == (0, 0)
    roots = [{n for n in range(5) if f"Radice {n}." in page.text} for page in (first, second)]
    assert len(roots[0]) == len(roots[1]) == 2 and not roots[0] & roots[1]


def test_a_visitor_with_a_flash_message_or_a_session_is_not_served_the_kept_page():
    url = make_article().get_absolute_url()
    read(url)
    for cookie in ("messages", "sessionid"):
        visitor = Client()
        visitor.cookies[cookie] = "qualcosa"
        assert read(url, visitor)[1] > 0


def test_staff_are_never_served_the_kept_page(client):
    from tests.factories import make_user

    url = make_article().get_absolute_url()
    read(url)
    client.force_login(make_user())

    assert read(url, client)[1] > 0


def test_the_page_cache_can_be_switched_off(settings):
    settings.PAGE_CACHE_ENABLED = False
    url = make_article().get_absolute_url()
    read(url)

    assert read(url)[1] > 0


def test_a_kept_page_is_answered_before_the_session_the_user_and_the_view(settings):
    url = make_article().get_absolute_url()
    read(url)

    again, queries, _ = read(url)

    # KeptPagesMiddleware answered: nothing below it ran, authentication included.
    assert not hasattr(again.wsgi_request, "user")
    assert queries == 0
    # With every header the page has when its view serves it.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("KeptPagesMiddleware")]
    from_view, _, _ = read(url)
    assert hasattr(from_view.wsgi_request, "user")
    unstable = {"ETag", "Set-Cookie", "Content-Length"}
    assert {k: v for k, v in again.headers.items() if k not in unstable} == {
        k: v for k, v in from_view.headers.items() if k not in unstable
    }
    for name in ("X-Frame-Options", "Content-Security-Policy", "Content-Language", "ETag"):
        assert again[name]
    assert set(again["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Accept-Language"}


def test_a_reader_with_a_session_is_never_answered_from_the_kept_page(client):
    article = make_article()
    url = article.get_absolute_url()
    read(url)
    client.cookies["sessionid"] = "una-sessione-qualsiasi"

    response, queries, _ = read(url, client=client)

    assert hasattr(response.wsgi_request, "user")  # went through to the view
    assert queries > 0


def test_an_address_the_view_would_not_keep_is_looked_up_once_and_rendered():
    url = make_article().get_absolute_url() + "?utm_source=newsletter"
    read(url)

    again, queries, _ = read(url)

    assert queries > 0 and hasattr(again.wsgi_request, "user")
    assert again.wsgi_request.page_cache_looked_up  # the view did not read the cache again


def test_a_gzip_reader_is_served_from_the_compressed_page_alone(monkeypatch):
    article = make_article(body="<p>" + "Un corpo lungo. " * 200 + "</p>")
    make_comment(article, body="Un commento approvato.")
    url = article.get_absolute_url()
    read(url, HTTP_ACCEPT_ENCODING="gzip")  # kept: the compressed page, and the text apart
    monkeypatch.setattr(page_cache, "_text_key", lambda request: "nessuna-chiave")

    gzipped, queries, _ = read(url, HTTP_ACCEPT_ENCODING="gzip")
    plain, plain_queries, _ = read(url)

    assert queries == 0 and gzipped["Content-Encoding"] == "gzip"
    # gzip checks the CRC-32 and size the hit made from the text's, kept with the page.
    html = gzip.decompress(gzipped.content).decode()
    assert "Un commento approvato." in html and "pagecachehole" not in html
    assert plain_queries > 0  # no text to serve it uncompressed: rendered, and kept again
    assert "Un commento approvato." in plain.text


def test_a_page_kept_for_a_plain_reader_is_compressed_once_by_the_first_gzip_reader(monkeypatch):
    article = make_article(body="<p>" + "Un corpo lungo. " * 200 + "</p>")
    make_comment(article, body="Un commento approvato.")
    url = article.get_absolute_url()
    compressed = []
    real = compression.gzip_segments
    monkeypatch.setattr(
        compression, "gzip_segments", lambda texts: compressed.append(1) or real(texts)
    )

    read(url)  # kept for a client that accepts no encoding: nothing compressed yet
    kept_plain = len(compressed)
    first, first_queries, _ = read(url, HTTP_ACCEPT_ENCODING="gzip")
    second, second_queries, _ = read(url, HTTP_ACCEPT_ENCODING="gzip")

    assert kept_plain == 0
    assert first_queries == second_queries == 0  # both served from the kept page
    assert len(compressed) == 1  # by the first gzip reader, for every one after it
    for response in (first, second):
        assert response["Content-Encoding"] == "gzip"
        assert "Un commento approvato." in gzip.decompress(response.content).decode()
