"""The rule "approve returning commenters" trusts a proven person, never a typed address."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.admin import CommentAdmin
from comments.models import Comment, CommenterAddress
from comments.services import comment_set_status
from comments.verification import PROOF_COOKIE
from core.privacy import personal_data_erase, personal_data_export
from tests.factories import make_article, make_comment, make_user, post_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]


REGULAR = "Habitue@Example.com"


@pytest.fixture(autouse=True)
def _returning_rule_on(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_AUTO_APPROVE_RETURNING = True
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    settings.COMMENTS_NOTIFY_MODERATORS = False
    settings.COMMENTS_NOTIFY_AUTHORS = False
    settings.SITE_URL = "https://rivista.example"


@pytest.fixture
def article():
    return make_article()


def post(client, capture, article, email=REGULAR, **fields) -> Comment:
    data = post_form_data(article, author_email=email, **fields)
    with capture():
        response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.get(body=data["body"])


def confirmation_path(message) -> str:
    return re.search(r"https://rivista\.example(/\S+)", message.body).group(1)


def regular_with_a_proven_browser(capture, article, mailoutbox) -> Client:
    """A regular: one approved comment, and a browser that followed the link sent to them."""
    browser = Client()
    first = post(browser, capture, article)
    assert first.status == Comment.Status.PENDING
    comment_set_status(comment=first, status=Comment.Status.APPROVED)
    (message,) = mailoutbox
    assert message.to == [REGULAR]
    response = browser.post(confirmation_path(message))
    assert response.status_code == 200
    assert PROOF_COOKIE in response.cookies
    return browser


def test_a_stranger_typing_a_regulars_address_is_held(capture, article, mailoutbox):
    regular = regular_with_a_proven_browser(capture, article, mailoutbox)
    assert post(regular, capture, article).status == Comment.Status.APPROVED

    stranger = post(Client(), capture, article, email=REGULAR.lower())
    assert stranger.status == Comment.Status.PENDING
    assert stranger.held_reason == "non è un commentatore abituale con indirizzo confermato"


def test_a_typed_address_with_approved_comments_but_never_proved_is_held(capture, article):
    make_comment(article, author_email=REGULAR)  # approved, as WordPress would count it
    assert post(Client(), capture, article).status == Comment.Status.PENDING


def test_opening_the_link_confirms_nothing_until_the_button_is_pressed(
    capture, article, mailoutbox
):
    browser = Client()
    post(browser, capture, article)
    path = confirmation_path(mailoutbox[0])
    response = browser.get(path)  # what a mail scanner does
    assert response.status_code == 200
    assert PROOF_COOKIE not in response.cookies
    assert not CommenterAddress.objects.get(email=REGULAR.lower()).confirmed_at
    assert b"Confirm my address" in browser.get(path, headers={"accept-language": "en"}).content


def test_the_proof_is_for_one_address_only(capture, article, mailoutbox):
    regular = regular_with_a_proven_browser(capture, article, mailoutbox)
    make_comment(article, author_email="altra@example.com")
    assert post(regular, capture, article, email="altra@example.com").status == "pending"


def test_a_forged_or_expired_link_is_refused_clearly(capture, article, mailoutbox):
    browser = Client()
    post(browser, capture, article)
    path = confirmation_path(mailoutbox[0])
    forged = browser.post(path[:-3] + "xyz/", headers={"accept-language": "en"})
    assert forged.status_code == 400
    assert b"This confirmation link is not valid" in forged.content
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert browser.post(path).status_code == 400
    assert not CommenterAddress.objects.get(email=REGULAR.lower()).confirmed_at


def test_at_most_one_confirmation_email_a_day_per_address(capture, article, mailoutbox):
    for _ in range(3):
        post(Client(), capture, article)
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        post(Client(), capture, article, timestamp=post_form_data(article)["timestamp"])
    assert len(mailoutbox) == 2


def test_the_confirmation_email_never_names_the_address_in_the_link(capture, article, mailoutbox):
    post(Client(), capture, article)
    assert "habitue" not in confirmation_path(mailoutbox[0]).lower()


def test_no_confirmation_email_when_the_rule_is_off(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    settings.COMMENTS_AUTO_APPROVE_RETURNING = False
    post(Client(), capture, article)
    assert mailoutbox == []


def test_a_logged_in_reader_returns_through_their_account_not_their_email(capture, article):
    reader = make_user(is_staff=False, email=REGULAR)
    browser = Client()
    browser.force_login(reader)
    first = post(browser, capture, article)
    assert first.status == Comment.Status.PENDING
    comment_set_status(comment=first, status=Comment.Status.APPROVED)
    assert post(browser, capture, article).status == Comment.Status.APPROVED
    # Someone else typing the account's address is a stranger.
    assert post(Client(), capture, article).status == Comment.Status.PENDING


def test_the_queue_shows_whether_the_address_is_confirmed(capture, article, mailoutbox, rf):
    regular_with_a_proven_browser(capture, article, mailoutbox)
    stranger = post(Client(), capture, article, email="nuovo@example.com")
    request = rf.get("/")
    request.user = make_user(is_superuser=True)
    admin = CommentAdmin(Comment, None)
    rows = {c.author_email: c for c in admin.get_queryset(request)}
    assert admin.address_confirmed(rows[REGULAR]) is True
    assert admin.address_confirmed(rows[stranger.author_email]) is False
    assert "address_confirmed" in admin.list_display


def test_privacy_export_and_erase_cover_the_confirmed_address(capture, article, mailoutbox):
    regular_with_a_proven_browser(capture, article, mailoutbox)
    export = personal_data_export(email=REGULAR)
    (row,) = export["data"]["commenter_addresses"]
    assert row["email"] == REGULAR.lower() and row["confirmed_at"]
    personal_data_erase(email=REGULAR)
    assert not CommenterAddress.objects.exists()
