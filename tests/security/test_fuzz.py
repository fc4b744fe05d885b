"""Fuzzing with Hypothesis: the comment form, the newsletter form, search, the links in emails and
every public view, fed random Unicode, huge fields, control characters, NUL bytes, hostile markup,
malformed parents, timestamps and tokens, and random paths under the addresses the site knows.
The second wave's forms (follow, report, edit, contact, the media upload, newsletter issues) are
in test_fuzz_forms.py; what both share is in fuzzing.py.

The properties: never a 5xx; a redirect always stays on this site; every refusal is a 4xx page
that says what went wrong.
"""

import itertools
import time
from urllib.parse import quote

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from blog.models import Article
from comments.forms import TIMESTAMP_SALT, signed_timestamp
from comments.unsubscribe import make_token
from newsletter.forms import TIMESTAMP_SALT as NEWSLETTER_SALT
from newsletter.forms import signed_timestamp as newsletter_timestamp
from tests.factories import make_article, make_category, make_comment, make_draft, make_tag
from tests.security.fuzzing import (
    ANY_TEXT,
    CONTROL,
    EVIL_URLS,
    HOSTILE,
    NUMBERISH,
    SHORT_TEXT,
    UNICODE,
    assert_handled,
    examples,
    mostly,
)
from tests.security.helpers import assert_clear_refusal

pytestmark = pytest.mark.django_db

SERIAL = (
    itertools.count()
)  # Bodies that differ, or every accepted one after the first is a duplicate.


# The site under fuzzing: one of everything a path can point at.


@pytest.fixture
def site(settings):
    settings.COMMENTS_RATE_LIMIT = 1_000_000
    settings.NEWSLETTER_RATE_LIMIT = 1_000_000
    settings.NEWSLETTER_MAILS_PER_ADDRESS = 1_000_000
    article = make_article(category=make_category(slug="cultura"), tags=[make_tag(slug="libri")])
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    pending = make_comment(article, status="pending")
    return {
        "article": article,
        "closed": make_article(comments_enabled=False),
        "draft": make_draft(),
        "comments": [root, reply, pending],
    }


def signed_at(site, age: float, article=None) -> str:
    with time_machine.travel(time.time() - age, tick=False):
        return signed_timestamp((article or site["article"]).pk)


def timestamps(site):
    """Every kind of form timestamp: fresh, too fast, expired, another article's, forged."""
    article = site["article"]
    return st.one_of(
        st.just(signed_at(site, 60)),
        st.just(signed_at(site, 0)),
        st.just(signed_at(site, 4 * 24 * 3600)),
        st.just(signed_at(site, 60, site["draft"])),
        st.just(signing.dumps({"s": article.pk, "t": 1}, salt="another.salt")),
        st.just(signing.dumps({"s": article.pk, "t": "x"}, salt=TIMESTAMP_SALT)),
        st.just(signing.dumps({"s": str(article.pk), "t": 1}, salt=TIMESTAMP_SALT)),
        st.just(signing.dumps([article.pk], salt=TIMESTAMP_SALT)),
        ANY_TEXT,
    )


# The comment form.


@pytest.mark.slow
@examples(120)
@given(data=st.data())
def test_comment_form_never_fails_and_explains_every_refusal(client, site, data):
    article = data.draw(mostly(site["article"], st.sampled_from([site["closed"], site["draft"]])))
    ids = [str(comment.pk) for comment in site["comments"]]
    fields = {
        "author_name": data.draw(mostly("Lettrice", ANY_TEXT)),
        "author_email": data.draw(mostly("lettrice@example.com", ANY_TEXT)),
        "author_url": data.draw(mostly("", st.one_of(EVIL_URLS, ANY_TEXT))),
        "body": data.draw(mostly(f"Commento numero {next(SERIAL)}.", ANY_TEXT, odds=1)),
        "parent": data.draw(mostly("", st.one_of(st.sampled_from(ids), NUMBERISH, UNICODE))),
        "timestamp": data.draw(mostly(signed_at(site, 60), timestamps(site))),
        "website_confirm": data.draw(mostly("", SHORT_TEXT)),
        "remember": data.draw(st.sampled_from(["", "on", "\x00", "yes"])),
        "notify_on_reply": data.draw(st.sampled_from(["", "on"])),
        "next": data.draw(EVIL_URLS),
    }
    article_id = data.draw(mostly(article.pk, st.integers(1, 2**63 - 1)))

    response = client.post(
        reverse("comments:post", args=[article_id]),
        fields,
        headers={"user-agent": data.draw(SHORT_TEXT).replace("\x00", "")},
    )

    assert_handled(response)
    if response.status_code == 302:
        posted_to = Article.objects.get(pk=article_id)
        assert response["Location"].startswith(posted_to.get_absolute_url() + "#comment-")


# The newsletter form and the links in emails.


@pytest.mark.slow
@examples(60)
@given(data=st.data())
def test_newsletter_form_never_fails_and_explains_every_refusal(client, site, data):
    with time_machine.travel(time.time() - 60, tick=False):
        fresh = newsletter_timestamp()
    fields = {
        "newsletter-email": data.draw(
            mostly("lettrice@example.com", st.one_of(ANY_TEXT, st.emails().map(str)))
        ),
        "newsletter-timestamp": data.draw(
            mostly(
                fresh,
                st.one_of(
                    st.just(signing.dumps({"s": "", "t": "60"}, salt=NEWSLETTER_SALT)),
                    st.just(signing.dumps({"s": 1, "t": 1}, salt=NEWSLETTER_SALT)),
                    st.just(newsletter_timestamp()),
                    ANY_TEXT,
                ),
            )
        ),
        "newsletter-website_confirm": data.draw(mostly("", SHORT_TEXT)),
        "next": data.draw(EVIL_URLS),
    }
    response = client.post(reverse("newsletter:signup"), fields)
    assert_handled(response)
    if response.status_code == 302:
        assert response["Location"] == reverse("newsletter:check-inbox")


TOKENS = st.one_of(
    UNICODE.filter(bool),
    st.from_regex(r"[A-Za-z0-9_\-:]{1,120}", fullmatch=True),
    st.sampled_from(["..", "%00", "a" * 5000, "eyJhIjoxfQ:1abc:xyz", "1:2:3:4"]),
)


@pytest.mark.slow
@examples(60)
@given(data=st.data())
def test_links_from_emails_with_any_token_never_fail(client, site, data):
    name = data.draw(
        st.sampled_from(["newsletter:confirm", "newsletter:unsubscribe", "comments:unsubscribe"])
    )
    token = data.draw(
        st.one_of(
            TOKENS,
            st.just(make_token(site["comments"][0]) + "x"),
            st.just(signing.dumps("not an id", salt="comments.unsubscribe.replies")),
            st.just(signing.dumps(2**80, salt="comments.unsubscribe.replies")),
        )
    )
    url = reverse(name, args=["TOKEN"]).replace("TOKEN", quote(token, safe=""))
    method = data.draw(st.sampled_from(["get", "post"]))
    if name == "newsletter:confirm":
        method = "get"
    response = getattr(client, method)(url)
    assert_handled(response)


# Search and every public view.


@pytest.mark.slow
@examples(60)
@given(query=ANY_TEXT, page=st.one_of(st.just(None), NUMBERISH, SHORT_TEXT))
def test_search_never_fails(client, site, query, page):
    params = {"q": query}
    if page is not None:
        params["page"] = page
    response = client.get(reverse("blog:search"), params)
    assert_handled(response)
    if response.status_code == 200:
        assert "<mark" not in response.text or "</mark>" in response.text


SEGMENT = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True),
    UNICODE.filter(bool),
    CONTROL,
    HOSTILE,
    NUMBERISH,
    st.sampled_from(["cultura", "libri", "0000", "9999", "00", "13", "32", "..", "%00", "%2F"]),
)
YEAR = st.one_of(st.integers(0, 9999).map("{:04d}".format), SEGMENT)
TWO = st.one_of(st.integers(0, 99).map("{:02d}".format), SEGMENT)
PREFIXES = [
    "/{s}/",
    "/{y}/",
    "/{y}/{m}/",
    "/{y}/{m}/{d}/{s}/",
    "/{y}/{m}/{s}/",
    "/{y}/{m}/{d}/{s}/feed/",
    "/{y}/{m}/{d}/{s}/feed/atom/",
    "/categoria/{s}/",
    "/categoria/{s}/feed/",
    "/tag/{s}/",
    "/tag/{s}/feed/atom/",
    "/autore/{s}/",
    "/autore/{s}/feed/",
    "/feed/{s}",
    "/cerca/{s}",
    "/anteprima/{s}/",
    "/newsletter/{s}/",
    "/commenti/{s}/",
    "/sitemap.xml",
    "/robots.txt",
    "/{s}",
]
QUERY = st.dictionaries(
    st.sampled_from(["page", "q", "p", "replytocom", "next", "cat", "tag", "author", "lang"]),
    st.one_of(SHORT_TEXT, NUMBERISH, EVIL_URLS),
    max_size=3,
)


@pytest.mark.slow
@examples(160)
@given(data=st.data())
def test_public_views_with_random_paths_never_fail(client, site, data):
    article = site["article"]
    published = timezone.localtime(article.publish_at)
    article_url = article.get_absolute_url()
    template = data.draw(st.sampled_from([*PREFIXES, article_url, article_url + "{s}/"]))
    # Real years, months and slugs most of the time, so that the views behind them are reached.
    real_slugs = st.sampled_from([article.slug, article.author.slug, "cultura", "libri"])
    parts = {
        "y": data.draw(mostly(f"{published.year:04d}", YEAR, odds=1)),
        "m": data.draw(mostly(f"{published.month:02d}", TWO, odds=1)),
        "d": data.draw(mostly(f"{published.day:02d}", TWO, odds=1)),
        "s": data.draw(st.one_of(real_slugs, SEGMENT)),
    }
    if data.draw(st.booleans()):
        parts = {key: quote(value, safe="") for key, value in parts.items()}
    path = template.format(**parts)

    response = client.get(path, data.draw(QUERY))

    assert_handled(response)


# Methods an address does not take.

WRONG_METHODS = [
    ("get", "comments:post", [1]),
    ("put", "comments:post", [1]),
    ("delete", "newsletter:signup", []),
    ("post", "newsletter:check-inbox", []),
    ("patch", "newsletter:unsubscribe", ["token"]),
    ("put", "comments:unsubscribe", ["token"]),
    ("post", "blog:home", []),
    ("delete", "blog:search", []),
]


@pytest.mark.parametrize(("method", "name", "args"), WRONG_METHODS)
def test_a_method_an_address_does_not_take_is_explained(client, method, name, args):
    make_article()
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 405
    assert_clear_refusal(response)
    assert response["Allow"]
