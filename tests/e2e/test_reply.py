"""A reader replies to a comment, with JavaScript and without it."""

import pytest

from comments.models import Comment
from tests.factories import make_article, make_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_and_post(page, *, name, email, body):
    page.fill("#id_author_name", name)
    page.fill("#id_author_email", email)
    page.fill("#id_body", body)
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()


def test_reply_link_moves_the_form_under_the_comment(page, live_server):
    article = make_article()
    parent = make_comment(article, author_name="Bianca", body="Il primo commento.")
    page.goto(live_server.url + article.get_absolute_url())

    page.click(f"#comment-{parent.pk} .comment-reply-link")

    # The form now sits inside the comment, knows its parent and has the focus.
    assert page.locator(f"#comment-{parent.pk} #respond").count() == 1
    assert page.input_value("#commentform input[name=parent]") == str(parent.pk)
    assert page.evaluate("document.activeElement.closest('#commentform') !== null")
    assert page.is_visible("#cancel-comment-reply-link")
    assert "Bianca" in page.inner_text("#reply-title")

    fill_and_post(page, name="Carlo", email="carlo@example.it", body="Risposta con JavaScript.")

    reply = Comment.objects.get(body="Risposta con JavaScript.")
    assert reply.parent_id == parent.pk
    # Back on the article: the commenter sees the reply nested under its parent, held.
    nested = page.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}")
    assert nested.count() == 1
    assert "comment-pending" in nested.get_attribute("class")


def test_cancel_reply_puts_the_form_back(page, live_server):
    article = make_article()
    parent = make_comment(article)
    page.goto(live_server.url + article.get_absolute_url())
    page.click(f"#comment-{parent.pk} .comment-reply-link")
    page.click("#cancel-comment-reply-link")
    assert page.locator(f"#comment-{parent.pk} #respond").count() == 0
    assert page.input_value("#commentform input[name=parent]") == ""
    assert not page.is_visible("#cancel-comment-reply-link")


def test_reply_works_without_javascript(page_without_js, live_server):
    page = page_without_js
    article = make_article()
    parent = make_comment(article, author_name="Dario", body="Un commento a cui rispondere.")
    page.goto(live_server.url + article.get_absolute_url())

    page.click(f"#comment-{parent.pk} .comment-reply-link")

    assert f"replytocom={parent.pk}" in page.url
    assert page.input_value("#commentform input[name=parent]") == str(parent.pk)
    fill_and_post(page, name="Elisa", email="elisa@example.it", body="Risposta senza script.")

    reply = Comment.objects.get(body="Risposta senza script.")
    assert reply.parent_id == parent.pk
    assert page.locator(f"#comment-{parent.pk} .children #comment-{reply.pk}").count() == 1


def test_no_reply_link_at_the_maximum_depth(page, live_server, e2e_settings):
    e2e_settings.COMMENTS_MAX_DEPTH = 2
    article = make_article()
    root = make_comment(article)
    child = make_comment(article, parent=root)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator(f"#comment-{root.pk} > .comment-body .comment-reply-link").count() == 1
    assert page.locator(f"#comment-{child.pk} .comment-reply-link").count() == 0
