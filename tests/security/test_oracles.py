"""No oracle for emails: a refusal answers the same whatever address was typed, and every
attempt counts toward the per-IP limit (DESIGN invariant 8)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article, make_comment, post_form_data

pytestmark = pytest.mark.django_db

VICTIM = "vittima@example.com"
ATTACKER_IP = "198.51.100.23"

ECHOED = [
    re.compile(r'\svalue="[^"]*"'),  # every input's value: the form as typed, tokens
    re.compile(r"(<textarea[^>]*>)[^<]*(</textarea>)"),
    re.compile(r'\snonce="[^"]*"'),
]


def without_echoed_values(html: str) -> str:
    html = ECHOED[0].sub("", html)
    html = ECHOED[1].sub(r"\1\2", html)
    return ECHOED[2].sub("", html)


def guess(client, article, email: str, body: str, **fields):
    return client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, author_email=email, author_name="Curioso", body=body, **fields),
        REMOTE_ADDR=ATTACKER_IP,
    )


@pytest.mark.parametrize("status", ["pending", "approved", "spam"])
def test_a_right_and_a_wrong_email_guess_get_byte_identical_answers(settings, status):
    settings.COMMENTS_RATE_LIMIT = 100
    article = make_article()
    secret = make_comment(
        article,
        author_email=VICTIM,
        body="Chi l'ha scritto?",
        status=status,
        ip_address="192.0.2.9",
    )
    attacker = Client()

    right = guess(attacker, article, VICTIM, secret.body, parent="999999")
    wrong = guess(attacker, article, "altra@example.com", secret.body, parent="999999")

    assert right.status_code == wrong.status_code == 400
    assert without_echoed_values(right.text) == without_echoed_values(wrong.text)


def test_posting_someone_elses_text_and_address_from_elsewhere_is_not_called_a_duplicate(settings):
    settings.COMMENTS_RATE_LIMIT = 100
    article = make_article()
    secret = make_comment(
        article, author_email=VICTIM, body="Testo noto.", status="pending", ip_address="192.0.2.9"
    )
    attacker = Client()

    right = guess(attacker, article, VICTIM, secret.body)
    wrong = guess(attacker, article, "altra@example.com", secret.body)

    assert right.status_code == wrong.status_code == 302
    assert "Duplicate" not in right.text


def test_the_poster_who_repeats_themselves_is_still_told_it_is_a_duplicate(client):
    article = make_article()
    data = dict(author_email="anna@example.com", body="Due volte.")
    first = client.post(
        reverse("comments:post", args=[article.pk]), post_form_data(article, **data),
        REMOTE_ADDR="192.0.2.50", headers={"accept-language": "en"},
    )  # fmt: skip
    again = client.post(
        reverse("comments:post", args=[article.pk]), post_form_data(article, **data),
        REMOTE_ADDR="192.0.2.50", headers={"accept-language": "en"},
    )  # fmt: skip
    assert first.status_code == 302
    assert again.status_code == 409
    assert "Duplicate comment" in again.text


def test_refused_posts_count_toward_the_per_ip_limit(client, settings):
    settings.COMMENTS_RATE_LIMIT = 3
    article = make_article()
    for _ in range(3):
        refused = client.post(
            reverse("comments:post", args=[article.pk]),
            post_form_data(article, parent="999999"),
            REMOTE_ADDR=ATTACKER_IP,
        )
        assert refused.status_code == 400

    valid = client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article),
        REMOTE_ADDR=ATTACKER_IP,
    )

    assert valid.status_code == 429
    assert not Comment.objects.exists()
