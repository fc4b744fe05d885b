"""Spam defence with no third party: honeypot, signed timestamp, per-IP rate limit, duplicates.

Every refusal says why in words a reader understands and gives back what they typed.
"""

import time

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from comments.forms import TIMESTAMP_SALT
from comments.models import Comment
from tests.comments.helpers import input_value, textarea_text
from tests.factories import find_elements, make_article, post_form_data

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
TOO_FAST = "That was very fast."
NOT_VERIFIED = "The form could not be verified."


def post(client, article, data, ip="192.0.2.10"):
    return client.post(
        reverse("comments:post", args=[article.pk]), data, headers=ENGLISH, REMOTE_ADDR=ip
    )


def form_errors(html: str) -> str:
    (box,) = find_elements(html, "div", class_="form-errors")
    return " ".join(str(box).split())


# Honeypot.


def test_filled_honeypot_is_refused_and_nothing_is_stored(client):
    article = make_article()
    data = post_form_data(article, website_confirm="http://spam.example", body="Compra ora.")

    response = post(client, article, data)

    assert response.status_code == 400
    assert "Your comment looks automated and was not posted." in form_errors(response.text)
    assert textarea_text(response.text) == "Compra ora."
    assert not Comment.objects.exists()


def test_honeypot_is_hidden_from_people_and_empty(client):
    html = client.get(make_article().get_absolute_url()).text

    # The comment form's (the follow form below it has its own, prefixed "follow-").
    block = find_elements(html, "p", class_="comment-form-hp")[0]
    assert 'name="website_confirm"' in str(block)
    assert dict(block.attributes)["aria-hidden"] == "true"
    attributes = dict(find_elements(str(block), "input", name="website_confirm")[0].attributes)
    assert attributes["tabindex"] == "-1"
    assert attributes["autocomplete"] == "off"
    assert not attributes.get("value")


# The signed form timestamp.


def test_form_posted_faster_than_a_person_could_is_refused_with_a_new_timestamp(client, settings):
    settings.COMMENTS_MIN_SECONDS = 5
    article = make_article()
    # Time stands still while the form is posted, however slow the machine is.
    now = time.time()
    with time_machine.travel(now, tick=False):
        data = post_form_data(article, age_seconds=1, body="Scritto in un lampo.")
        response = post(client, article, data)

    assert response.status_code == 400
    assert TOO_FAST in form_errors(response.text)
    assert textarea_text(response.text) == "Scritto in un lampo."
    assert not Comment.objects.exists()
    fresh = input_value(response.text, "timestamp")
    assert fresh != data["timestamp"]
    assert signing.loads(fresh, salt=TIMESTAMP_SALT)["s"] == article.pk

    with time_machine.travel(now + 6, tick=False):
        again = post(client, article, {**data, "timestamp": fresh})
    assert again.status_code == 302
    assert Comment.objects.get().body == "Scritto in un lampo."


def test_form_posted_after_the_minimum_wait_is_accepted(client, settings):
    settings.COMMENTS_MIN_SECONDS = 5
    article = make_article()

    response = post(client, article, post_form_data(article, age_seconds=6))

    assert response.status_code == 302


def test_form_left_open_too_long_is_refused(client, settings):
    settings.COMMENTS_MAX_FORM_AGE = 3600
    article = make_article()
    data = post_form_data(article, body="Scritto ieri, inviato oggi.")

    with time_machine.travel(time.time() + 3600 + 5, tick=False):
        response = post(client, article, data)

    assert response.status_code == 400
    assert "The form was open too long." in form_errors(response.text)
    assert textarea_text(response.text) == "Scritto ieri, inviato oggi."
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "timestamp",
    ["tampered", "garbage", "", ":::", "x" * 5000, "àèìòù€", "eyJhIjoxLCJ0IjoxfQ:1a:2b"],
)
def test_tampered_or_garbage_timestamp_is_refused_clearly(client, timestamp):
    article = make_article()
    data = post_form_data(article, body="Timestamp strano.")
    if timestamp == "tampered":
        timestamp = data["timestamp"][:-3] + ("aaa" if data["timestamp"][-3:] != "aaa" else "bbb")
    data["timestamp"] = timestamp

    response = post(client, article, data)

    assert response.status_code == 400
    assert form_errors(response.text)
    if timestamp:
        assert NOT_VERIFIED in form_errors(response.text)
    assert textarea_text(response.text) == "Timestamp strano."
    assert not Comment.objects.exists()


def test_missing_timestamp_is_refused_clearly(client):
    article = make_article()
    data = post_form_data(article, body="Senza timestamp.")
    del data["timestamp"]

    response = post(client, article, data)

    assert response.status_code == 400
    assert form_errors(response.text)
    assert textarea_text(response.text) == "Senza timestamp."
    assert not Comment.objects.exists()


def test_timestamp_signed_for_another_article_is_refused(client):
    article, other = make_article(), make_article()
    data = post_form_data(other, body="Modulo di un altro articolo.")

    response = post(client, article, data)

    assert response.status_code == 400
    assert NOT_VERIFIED in form_errors(response.text)
    assert not Comment.objects.exists()


def test_timestamp_signed_with_another_salt_is_refused(client):
    article = make_article()
    forged = signing.dumps({"s": article.pk, "t": int(time.time()) - 600}, salt="other")
    data = post_form_data(article, timestamp=forged)

    response = post(client, article, data)

    assert response.status_code == 400
    assert NOT_VERIFIED in form_errors(response.text)
    assert not Comment.objects.exists()


# Per-IP rate limit.


def test_too_many_posts_from_one_address_are_refused_until_the_window_passes(client, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    # A real two-second window: Redis expires keys on its own clock, which time_machine cannot
    # move, and the test must hold on every cache backend CI runs.
    settings.COMMENTS_RATE_WINDOW = 2
    article = make_article()
    for _ in range(2):
        assert post(client, article, post_form_data(article), ip="192.0.2.1").status_code == 302

    third = post_form_data(article, body="Il terzo di fila.")
    response = post(client, article, third, ip="192.0.2.1")

    assert response.status_code == 429
    assert "You are posting too fast." in form_errors(response.text)
    assert textarea_text(response.text) == "Il terzo di fila."
    assert Comment.objects.count() == 2

    other_reader = post(client, article, post_form_data(article), ip="198.51.100.7")
    assert other_reader.status_code == 302

    time.sleep(2.2)
    later = post(client, article, post_form_data(article, body="Più tardi."), ip="192.0.2.1")
    assert later.status_code == 302
    assert Comment.objects.filter(body="Più tardi.").exists()


def test_rate_limit_counts_per_address_across_articles(client, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    first, second = make_article(), make_article()
    assert post(client, first, post_form_data(first), ip="2001:db8::1").status_code == 302

    response = post(client, second, post_form_data(second), ip="2001:db8::1")

    assert response.status_code == 429
    assert not Comment.objects.filter(article=second).exists()


# Duplicates.


def test_same_comment_twice_on_the_same_article_is_refused(client):
    article = make_article()
    data = post_form_data(article, author_email="anna@example.com", body="Bellissimo articolo!")
    assert post(client, article, data).status_code == 302

    again = post_form_data(article, author_email="ANNA@example.com", body="Bellissimo articolo!")
    response = post(client, article, again)

    assert response.status_code == 409
    (block,) = find_elements(response.text, "p", class_="comment-form-body")
    assert "Duplicate comment" in " ".join(str(block).split())
    assert textarea_text(response.text) == "Bellissimo articolo!"
    assert Comment.objects.count() == 1


def test_same_text_on_another_article_is_accepted(client):
    article, other = make_article(), make_article()
    body = "Bellissimo articolo!"
    first = post(client, article, post_form_data(article, author_email="a@example.com", body=body))
    assert first.status_code == 302

    response = post(client, other, post_form_data(other, author_email="a@example.com", body=body))

    assert response.status_code == 302
    assert Comment.objects.filter(body=body).count() == 2
