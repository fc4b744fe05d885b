"""Faults keep the reader's text: a database that refuses the write is a 503 that says to try
again, with the form as typed; comments closed while the reader wrote show the text too."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article, post_form_data

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def refuse_writes(monkeypatch, message="database is locked"):
    def fail(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(Comment, "save", fail)


@pytest.mark.parametrize(
    "message", ["database is locked", "attempt to write a readonly database", "terminating"]
)
def test_a_database_that_refuses_the_write_is_a_503_that_keeps_the_form(monkeypatch, message):
    article = make_article()
    refuse_writes(monkeypatch, message)
    data = post_form_data(article, author_name="Giulia", body="Testo da non perdere.")

    response = Client(raise_request_exception=False).post(
        reverse("comments:post", args=[article.pk]), data, headers=ENGLISH
    )

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "could not be saved just now" in response.text
    assert "Testo da non perdere." in response.text
    assert 'value="Giulia"' in response.text


def test_comments_closed_between_loading_and_posting_give_the_text_back(client):
    article = make_article()
    data = post_form_data(article, body="Scritto mentre chiudevano.")
    article.comments_enabled = False
    article.save()

    response = client.post(reverse("comments:post", args=[article.pk]), data, headers=ENGLISH)

    assert response.status_code == 403
    assert "Comments are closed" in response.text
    assert "Scritto mentre chiudevano." in response.text


def test_a_newsletter_sign_up_the_database_refuses_is_a_503_that_keeps_the_address(monkeypatch):
    from newsletter.models import Subscriber
    from tests.newsletter.helpers import signup_data

    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Subscriber, "save", fail)
    response = Client(raise_request_exception=False).post(
        reverse("newsletter:signup"), signup_data("tenace@example.com"), headers=ENGLISH
    )

    assert response.status_code == 503
    assert "could not be saved just now" in response.text
    assert 'value="tenace@example.com"' in response.text
