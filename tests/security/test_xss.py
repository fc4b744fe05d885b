"""The hostile-input corpus against every place it can land: comments (name, website, body, user
agent) posted through the form, article bodies (and titles and leads) saved through the admin.

Every rendered page is parsed and must hold nothing executable that is not ours
(tests/security/html_checks.py); the browser sees the same pages in tests/e2e/test_xss_browser.py.
"""

import re

import pytest
from defusedxml import minidom
from django.urls import reverse

from blog.models import Article
from comments.models import Comment
from comments.services import comment_set_status
from core.text import clean_text
from tests.factories import (
    article_admin_form_data,
    make_article,
    make_author,
    make_comment,
    make_user,
)
from tests.security.helpers import (
    assert_clear_refusal,
    element_text,
    element_texts,
    post_comment,
    refusal_message,
)
from tests.security.html_checks import assert_no_executable_markup, executable_markup
from tests.security.xss_vectors import CLASSES, INERT_AS_MARKUP, VECTORS

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
NAME_MAX = 100
# Classes aimed at what reads text (template engines, Markdown, linkifiers), not at HTML parsers.
TEXT_CLASSES = ("template-injection", "markdown-linkify")


@pytest.fixture(autouse=True)
def _many_posts_allowed(settings):
    settings.COMMENTS_RATE_LIMIT = 100_000


def is_web_address(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


# The checker itself: it must see what the corpus is made of.


@pytest.mark.parametrize("name", [name for name in CLASSES if name not in TEXT_CLASSES])
def test_checker_flags_every_raw_vector_that_a_browser_would_run(name):
    """Pasted raw into a page, each markup vector is found (the checker is not blind)."""
    unflagged = [
        vector
        for vector in CLASSES[name]
        if vector.startswith("<")
        and vector not in INERT_AS_MARKUP
        and not executable_markup(f"<!DOCTYPE html><html><body>{vector}</body></html>")
    ]
    assert not unflagged


def test_checker_accepts_our_own_scripts_and_data_blocks_only(settings):
    ours = (
        '<script src="/static/js/comments.js" defer></script>'
        '<script type="application/ld+json">{"a": "<\\/script>"}</script>'
    )
    assert executable_markup(ours) == []
    assert executable_markup('<script src="/static/x.js" nonce="other"></script>', nonce="n")
    assert executable_markup('<script type="application/ld+json">{x</script>')
    assert executable_markup("<style nonce=n>p{}</style>", nonce="n") == []
    assert executable_markup("<style>p{}</style>", nonce="n")


def test_corpus_is_large_and_covers_every_class():
    assert len(VECTORS) >= 150
    assert all(len(vectors) >= 5 for vectors in CLASSES.values())


# Comments: every vector in the name, the website, the body and the user agent.


@pytest.fixture
def moderator_client(client):
    from django.test import Client

    moderator = Client()
    moderator.force_login(make_user(groups=["Moderators"]))
    return moderator


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CLASSES))
def test_hostile_comments_publish_nothing_executable(client, moderator_client, name):
    article = make_article(title="Un articolo sotto attacco")
    posted = []
    for index, vector in enumerate(CLASSES[name]):
        reader = f"lettrice{index}@example.com"
        fields = {
            "author_name": vector[:NAME_MAX],
            "author_email": reader,
            "body": vector,
            "remember": "on",
        }
        response = post_comment(
            client, article, author_url=vector, user_agent=vector[:200], **fields
        )
        if response.status_code != 302:
            # Refused (a website that is not a web address, NUL characters): said beside the
            # field, the typed text given back, and the page that echoes it is inert.
            assert_clear_refusal(response)
            assert_no_executable_markup(response)
            if not is_web_address(vector):
                assert element_text(response.text, "id_author_url-error"), vector
            # The rest without the website.
            response = post_comment(client, article, author_url="", user_agent=vector, **fields)
        if not clean_text(vector).strip():
            # Only invisible characters: an empty comment, refused beside the field.
            assert_clear_refusal(response)
            assert_no_executable_markup(response)
            continue
        assert response.status_code == 302, (vector, refusal_message(response.text))
        comment = Comment.objects.get(author_email=reader)
        # NUL and other invisible characters are stripped (core.text), the rest kept exactly.
        assert comment.body == clean_text(vector, multiline=True).strip()
        posted.append(comment)

    # Back on the article, the writer sees their held comments and the last name remembered in
    # the form (both from the session): all inert.
    own = client.get(article.get_absolute_url(), headers=ENGLISH)
    assert_no_executable_markup(own)
    assert all(f'id="comment-{comment.pk}"' in own.text for comment in posted)

    for comment in posted:
        comment_set_status(comment=comment, status=Comment.Status.APPROVED)
    public = client.__class__().get(article.get_absolute_url(), headers=ENGLISH)
    assert public.status_code == 200
    assert_no_executable_markup(public)
    shown = element_texts(public.text)
    for comment in posted:
        # What was typed is shown as text, exactly.
        author = shown[f"comment-{comment.pk}-author"]
        assert author == " ".join(comment.author_name.split()), comment.author_name

    # Moderators read the same text in the admin: the queue and each comment's page.
    queue = moderator_client.get(reverse("admin:comments_comment_changelist"), headers=ENGLISH)
    assert queue.status_code == 200
    assert_no_executable_markup(queue)
    for comment in posted[:3]:
        change = moderator_client.get(
            reverse("admin:comments_comment_change", args=[comment.pk]), headers=ENGLISH
        )
        assert_no_executable_markup(change)

    # The article's comment feed carries the bodies as escaped HTML: inert once unescaped.
    feed = client.get(article.get_absolute_url() + "feed/")
    assert feed.status_code == 200
    document = minidom.parseString(feed.content)
    for item in document.getElementsByTagName("description"):
        text = "".join(node.data for node in item.childNodes if node.nodeType == node.TEXT_NODE)
        assert executable_markup(text) == [], text


def test_template_syntax_in_a_comment_is_shown_literally(client):
    article = make_article()
    vectors = ["{{7*7}}", "{% debug %}", "{{ settings.SECRET_KEY }}", "${7*7}", "#{7*7}"]
    for index, vector in enumerate(vectors):
        response = post_comment(client, article, author_name=f"T{index} {vector}", body=vector)
        assert response.status_code == 302
    for comment in Comment.objects.all():
        comment_set_status(comment=comment, status=Comment.Status.APPROVED)

    page = client.__class__().get(article.get_absolute_url()).text

    texts = element_texts(page)
    for comment in Comment.objects.all():
        shown = texts[f"comment-{comment.pk}"]
        assert comment.author_name in shown
        assert comment.body in shown
        # 7*7 never evaluated; the posting time (10:49, say) is taken out first.
        assert "49" not in re.sub(r"\d{1,2}[:.]\d{2}", "", shown)
    assert "sql_queries" not in page


# Article bodies, titles and leads, through the admin.


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CLASSES))
def test_hostile_article_bodies_saved_through_the_admin_publish_nothing_executable(
    editor_client, name
):
    author = make_author()
    for index, vector in enumerate(CLASSES[name]):
        typed = vector.replace("\x00", "")  # The admin refuses NUL characters outright.
        data = article_admin_form_data(
            author=author,
            title=f"{index} {typed}"[:200],
            slug=f"xss-{name}-{index}",
            lead=typed,
            body=typed,
            cover_alt=typed[:200],
            status=Article.Status.PUBLISHED,
        )
        response = editor_client.post(reverse("admin:blog_article_add"), data, headers=ENGLISH)
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get(slug=f"xss-{name}-{index}")

        public = editor_client.__class__().get(article.get_absolute_url(), headers=ENGLISH)
        assert public.status_code == 200
        assert_no_executable_markup(public)
    # The editors' preview of the last one, the same page for staff.
    assert_no_executable_markup(editor_client.get(article.get_preview_url(), headers=ENGLISH))

    # Listings, search and the admin's own pages show the same titles and leads.
    anonymous = editor_client.__class__()
    for url in ("/", reverse("blog:search") + "?q=xss", reverse("blog:author", args=[author.slug])):
        assert_no_executable_markup(anonymous.get(url, headers=ENGLISH))
    for url in (
        reverse("admin:blog_article_changelist"),
        reverse("admin:blog_article_change", args=[article.pk]),
    ):
        page = editor_client.get(url, headers=ENGLISH)
        assert page.status_code == 200
        assert_no_executable_markup(page)


@pytest.mark.slow
def test_hostile_search_queries_are_echoed_inert(client):
    make_article(title="Notizie", body="<p>Testo qualsiasi.</p>")
    for _, vector in VECTORS[::3]:  # A third of them: the search fuzz sends the rest.
        response = client.get(reverse("blog:search"), {"q": vector}, headers=ENGLISH)
        # No text column takes a NUL: such a query is refused whole (test_error_pages).
        assert response.status_code == (400 if "\x00" in vector else 200)
        assert_no_executable_markup(response)


def test_feeds_survive_control_characters_in_titles_and_comments(client):
    """XML 1.0 cannot carry most C0 controls: the feeds drop them instead of failing."""
    article = make_article(title="Titolo\x01 con\x08 controlli", lead="Lead\x0b qui")
    make_comment(article, author_name="Nome\x1f", body="Testo\x02 del commento")

    for url in (
        reverse("blog:feed"),
        reverse("blog:feed-atom"),
        article.get_absolute_url() + "feed/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "\x01" not in text and "\x02" not in text
        assert "Titolo con" in text or "Testo del commento" in text
