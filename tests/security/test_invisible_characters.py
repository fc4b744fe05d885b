"""Controls, bidi overrides and zero-width characters never reach a page, a feed or an email:
every field of every public form strips them, and text made only of them is empty."""

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from comments.services import CommentRefused, comment_post
from core.text import clean_text
from newsletter.models import Subscriber
from tests.factories import make_article, post_form_data
from tests.newsletter.helpers import signup_data

pytestmark = pytest.mark.django_db

INVISIBLE = (
    "\x00\x01\x07\x1b\x7f\x85\x9b\u200b\u200c\u200d\u2060\ufeff\u202a\u202e\u2066\u2069\u200e\u061c"
)


@pytest.mark.parametrize("char", list(INVISIBLE))
def test_clean_text_drops_every_invisible_character(char):
    assert clean_text(f"a{char}b") in ("ab", "a b")  # U+0085 is a line break: a space


def test_clean_text_keeps_line_breaks_and_tabs_only_where_text_has_lines():
    assert clean_text("uno\r\ndue\tre", multiline=True) == "uno\ndue\tre"
    assert clean_text("uno\r\ndue\tre") == "uno due re"
    assert clean_text("Città è già perché 😀 Ελλάδα") == "Città è già perché 😀 Ελλάδα"


def post(client, article, **fields):
    return client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, **fields),
        headers={"accept-language": "en"},
    )


def test_a_comment_of_only_invisible_characters_is_refused_as_empty(client):
    article = make_article()
    response = post(client, article, body="\u200b\u200d\u202e \ufeff\x01")
    assert response.status_code == 400
    assert "comment-form-body has-error" in response.text  # told beside the field
    assert not Comment.objects.exists()


def test_every_comment_field_is_stored_without_invisible_characters(client):
    article = make_article()
    response = post(
        client,
        article,
        author_name="Ann\u202ea\x1b[31m\u200b",
        author_email="an\u200bna@example.com",
        author_url="https://exa\u200dmple.com/\x00",
        body="Riga uno\u202e\r\nriga\x07 due\u2066",
    )
    assert response.status_code == 302, response.content
    comment = Comment.objects.get()
    assert comment.author_name == "Anna[31m"
    assert comment.author_email == "anna@example.com"
    assert comment.author_url == "https://example.com/"
    assert comment.body == "Riga uno\nriga due"
    assert not set(INVISIBLE) & set(comment.body_html)


def test_a_name_of_only_invisible_characters_is_a_missing_name(client):
    article = make_article()
    response = post(client, article, author_name="\u200b\u202e")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_service_strips_and_refuses_the_same_for_the_shell_and_imports():
    article = make_article()
    with pytest.raises(CommentRefused) as refused:
        comment_post(
            article=article, body="\u200b\u2060", author_name="A", author_email="a@example.com"
        )
    assert refused.value.field == "body"
    comment = comment_post(
        article=article, body="Ciao\u202e", author_name="Lu\x00ca", author_email="l@example.com"
    )
    assert (comment.author_name, comment.body) == ("Luca", "Ciao")


def test_the_newsletter_address_is_stored_and_mailed_without_invisible_characters(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletter:signup"), signup_data("let\u200btrice\u202e@example.com")
        )
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "lettrice@example.com"
    assert mail.outbox[0].to == ["lettrice@example.com"]
