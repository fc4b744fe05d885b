"""No mail flood through the comment forms: following a discussion, the returning-commenter
proof and reply notices each have a limit per client address and a cap per mailbox over the
whole site (`+tag`s and case folded), and answer the same whether mail went out or not."""

import re
import time

import pytest
import time_machine
from django.urls import reverse

from comments.following_views import FollowForm
from comments.services import comment_set_status
from tests.factories import (
    csrf_browser,
    csrf_post_data,
    make_article,
    make_comment,
    post_form_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://rivista.example"
    settings.COMMENTS_NOTIFY_AUTHORS = False
    settings.COMMENTS_NOTIFY_MODERATORS = False


def follow_data(article, email: str) -> dict:
    with time_machine.travel(time.time() - 60, tick=False):
        timestamp = FollowForm.sign(f"follow:{article.pk}")
    data = {"email": email, "frequency": "immediate", "timestamp": timestamp}
    return csrf_post_data({f"follow-{key}": value for key, value in data.items()})


def ask_to_follow(browser, article, email: str):
    url = reverse("comments:follow", args=[article.pk])
    return browser.post(url, follow_data(article, email), headers=EN)


def answer(response) -> tuple[int, str]:
    """What the visitor sees, less what changes on every render (tokens, timestamps)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)
    return response.status_code, re.sub(r'-timestamp" value="[^"]*"', "", html)


def test_200_follow_posts_from_one_address_over_9_articles_leave_at_most_the_caps(
    settings, mailoutbox
):
    settings.COMMENTS_FOLLOW_RATE_LIMIT = 5
    settings.COMMENTS_FOLLOW_MAILS_PER_MAILBOX = 3
    articles = [make_article(title=f"Articolo {n}") for n in range(9)]
    browser = csrf_browser("198.51.100.66")

    statuses = [
        ask_to_follow(browser, articles[n % 9], f"Vittima+{n}@example.org").status_code
        for n in range(200)
    ]

    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert len(mailoutbox) == 3  # the mailbox's share, not the 5 the address was allowed


def test_150_plus_addresses_of_one_mailbox_from_150_clients_get_three_mails(settings, mailoutbox):
    settings.COMMENTS_FOLLOW_MAILS_PER_MAILBOX = 3
    articles = [make_article(title=f"Articolo {n}") for n in range(9)]

    answers = {n: set() for n in range(9)}
    for n in range(150):
        browser = csrf_browser(f"10.{n // 250}.{n % 250}.1")
        answers[n % 9].add(answer(ask_to_follow(browser, articles[n % 9], f"vittima+{n}@x.org")))

    assert len(mailoutbox) == 3
    assert {message.to[0] for message in mailoutbox} == {f"vittima+{n}@x.org" for n in range(3)}
    # On each article, the same answer whether a mail went out (the first three) or not.
    for article_answers in answers.values():
        ((status, html),) = article_answers
        assert status == 200 and "Check your inbox" in html


def test_the_follow_form_is_limited_per_client_address(settings, mailoutbox):
    settings.COMMENTS_FOLLOW_RATE_LIMIT = 2
    article = make_article()
    browser = csrf_browser("198.51.100.67")
    assert ask_to_follow(browser, article, "uno@example.org").status_code == 200
    assert ask_to_follow(browser, article, "due@example.org").status_code == 200
    refused = ask_to_follow(browser, article, "tre@example.org")
    assert refused.status_code == 429 and "Too many requests" in refused.text
    assert 'value="tre@example.org"' in refused.text  # what was typed is kept
    assert ask_to_follow(csrf_browser("203.0.113.1"), article, "tre@example.org").status_code == 200
    assert len(mailoutbox) == 3


# The returning-commenter proof: a held comment's address is sent a confirmation link.


@pytest.fixture
def returning_rule(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_AUTO_APPROVE_RETURNING = True
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    settings.COMMENTS_RATE_LIMIT = 1000


def post_comment(ip: str, article, email: str):
    browser = csrf_browser(ip)
    data = csrf_post_data(post_form_data(article, author_email=email))
    return browser.post(reverse("comments:post", args=[article.pk]), data, headers=EN)


@pytest.mark.usefixtures("returning_rule")
def test_address_confirmations_are_capped_per_mailbox(settings, mailoutbox, capture):
    settings.COMMENTS_PROOF_MAILS_PER_MAILBOX = 3
    article = make_article()
    with capture():
        statuses = {
            post_comment(f"10.1.{n}.1", article, f"Vittima+{n}@example.org").status_code
            for n in range(20)
        }
    assert statuses == {302}  # every comment taken, held, the same way
    assert len(mailoutbox) == 3
    link = reverse("comments:confirm-address", args=["token"]).removesuffix("token/")
    assert all(link in message.body for message in mailoutbox)


@pytest.mark.usefixtures("returning_rule")
def test_address_confirmations_are_limited_per_client_address(settings, mailoutbox, capture):
    settings.COMMENTS_PROOF_MAILS_PER_CLIENT = 2
    article = make_article()
    with capture():
        statuses = {
            post_comment("10.2.0.1", article, f"persona{n}@example.org").status_code
            for n in range(6)
        }
    assert statuses == {302}
    assert len(mailoutbox) == 2


# Reply notices: a box anybody may tick beside anybody's address.


def test_reply_notices_are_capped_per_mailbox(settings, mailoutbox, capture):
    settings.COMMENTS_REPLY_MAILS_PER_MAILBOX = 2
    article = make_article()
    parents = [
        make_comment(article, author_email=f"Vittima+{n}@example.org", notify_on_reply=True)
        for n in range(5)
    ]
    mailoutbox.clear()
    with capture():
        for parent in parents:
            reply = make_comment(article, parent=parent, status="pending")
            comment_set_status(comment=reply, status="approved")
    assert len(mailoutbox) == 2
