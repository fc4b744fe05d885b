"""Tokens do one thing once: a form's signed timestamp is good for one post, from any session."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from newsletter.models import Subscriber
from tests.factories import make_article, post_form_data
from tests.newsletter.helpers import signup_data

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def test_a_comment_form_timestamp_cannot_be_replayed_from_another_session():
    article = make_article()
    url = reverse("comments:post", args=[article.pk])
    data = post_form_data(article, body="Il primo.")
    assert Client().post(url, data).status_code == 302

    replay = Client().post(url, {**data, "body": "Il secondo, stesso modulo."}, headers=ENGLISH)

    assert replay.status_code == 400
    assert "This form was already sent." in replay.text
    assert "Il secondo, stesso modulo." in replay.text  # the text is kept
    assert Comment.objects.count() == 1


def test_the_refused_form_comes_back_with_a_fresh_timestamp_that_works(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article()
    url = reverse("comments:post", args=[article.pk])
    data = post_form_data(article)
    client = Client()
    assert client.post(url, data).status_code == 302
    refused = client.post(url, {**data, "body": "Un altro."})
    fresh = refused.context["comment_form"]["timestamp"].value()
    assert fresh != data["timestamp"]

    again = client.post(url, {**data, "body": "Un altro.", "timestamp": fresh})

    assert again.status_code == 302


def test_a_newsletter_form_timestamp_cannot_be_replayed():
    data = signup_data("prima@example.com")
    assert Client().post(reverse("newsletter:signup"), data).status_code == 302
    replay = {**data, "newsletter-email": "seconda@example.com"}

    response = Client().post(reverse("newsletter:signup"), replay, headers=ENGLISH)

    assert response.status_code == 400
    assert "This form was already sent." in response.text
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["prima@example.com"]
