"""Following a discussion without commenting: double opt-in, immediate or daily, one click out."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.following_views import FollowForm
from comments.models import DiscussionFollower
from comments.services import comment_set_status
from comments.tasks import send_digests
from comments.verification import PROOF_COOKIE
from core.privacy import personal_data_erase, personal_data_export
from tests.factories import make_article, make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]


EN = {"accept-language": "en"}
FAN = "Tifosa@Example.com"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://rivista.example"
    settings.COMMENTS_NOTIFY_AUTHORS = False
    settings.COMMENTS_NOTIFY_MODERATORS = False


@pytest.fixture
def article():
    return make_article(title="Il dibattito")


def follow_data(article, *, age_seconds=60, **fields) -> dict:
    with time_machine.travel(time.time() - age_seconds, tick=False):
        timestamp = FollowForm.sign(f"follow:{article.pk}")
    data = {"email": FAN, "frequency": "immediate", "timestamp": timestamp, "website_confirm": ""}
    return {f"follow-{key}": value for key, value in (data | fields).items()}


def ask(client, article, **fields):
    return client.post(
        reverse("comments:follow", args=[article.pk]), follow_data(article, **fields), headers=EN
    )


def link_in(message, name: str) -> str:
    return re.search(rf"https://rivista\.example(/commenti/segui/{name}/\S+)", message.body).group(
        1
    )


def followed(client, article, mailoutbox, **fields) -> DiscussionFollower:
    assert ask(client, article, **fields).status_code == 200
    response = client.post(link_in(mailoutbox[-1], "conferma"))
    assert response.status_code == 200
    mailoutbox.clear()
    return DiscussionFollower.objects.get()


def test_the_article_page_offers_to_follow_without_javascript(article):
    html = Client().get(article.get_absolute_url(), headers=EN).text
    assert f'action="{reverse("comments:follow", args=[article.pk])}"' in html
    assert "Follow this discussion without commenting" in html


def test_nothing_is_sent_before_the_address_confirms(client, article, mailoutbox):
    response = ask(client, article)
    assert "Check your inbox" in response.text
    (confirmation,) = mailoutbox
    assert confirmation.to == [FAN.lower()]
    follower = DiscussionFollower.objects.get()
    assert follower.confirmed_at is None
    make_comment(article)  # approved: an unconfirmed follower hears nothing
    assert len(mailoutbox) == 1
    page = client.get(link_in(confirmation, "conferma"), headers=EN)  # a mail scanner GET
    assert "Confirm" in page.text
    follower.refresh_from_db()
    assert follower.confirmed_at is None


def test_asking_again_looks_the_same_and_mails_at_most_daily(client, article, mailoutbox):
    first, second = ask(client, article), ask(Client(), article)
    assert first.text.count("Check your inbox") == second.text.count("Check your inbox") == 1
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert ask(Client(), article).status_code == 200
    assert len(mailoutbox) == 2


def test_immediate_followers_get_each_approved_comment_but_not_their_own(
    client, capture, article, mailoutbox
):
    followed(client, article, mailoutbox)
    with capture():
        make_comment(article, author_name="Bruno", body="Un punto di vista.")
    (message,) = mailoutbox
    assert message.to == [FAN.lower()] and "Un punto di vista." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with capture():
        make_comment(article, author_email=FAN, body="Il mio.")
    assert len(mailoutbox) == 1


def test_a_held_comment_reaches_followers_once_approved(client, capture, article, mailoutbox):
    followed(client, article, mailoutbox)
    with capture():
        held = make_comment(article, status="pending", body="Atteso.")
    assert mailoutbox == []
    with capture():
        comment_set_status(comment=held, status="approved")
    assert len(mailoutbox) == 1 and "Atteso." in mailoutbox[0].body


def test_daily_followers_get_one_digest_of_what_is_new(client, capture, article, mailoutbox):
    followed(client, article, mailoutbox, frequency="daily")
    with capture():
        make_comment(article, body="Primo del giorno.")
        make_comment(article, body="Secondo del giorno.")
    assert mailoutbox == []  # nothing immediate
    assert send_digests.call() == 1
    (digest,) = mailoutbox
    assert "Primo del giorno." in digest.body and "Secondo del giorno." in digest.body
    assert "2 nuovi commenti" in digest.subject  # in the site language
    call_command("send_discussion_digests", stdout=__import__("io").StringIO())
    assert len(mailoutbox) == 1  # nothing new since


def test_the_unsubscribe_link_asks_first_and_a_mail_scanner_unsubscribes_nobody(
    client, capture, article, mailoutbox
):
    followed(client, article, mailoutbox)
    with capture():
        make_comment(article)
    path = re.search(
        r"https://rivista\.example(/\S+)", mailoutbox[0].extra_headers["List-Unsubscribe"]
    )
    url = path.group(1).rstrip(">")

    asked = Client().get(url, headers=EN)  # what a link scanner does

    assert asked.status_code == 200
    assert "Stop following the discussion?" in asked.text
    assert f'<form method="post" action="{url}">' in asked.text  # its button
    assert DiscussionFollower.objects.filter(confirmed_at__isnull=False).count() == 1
    done = Client(enforce_csrf_checks=True, raise_request_exception=False).post(url, headers=EN)
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    assert not DiscussionFollower.objects.exists()


def test_one_click_unsubscribe_stops_everything(client, capture, article, mailoutbox):
    followed(client, article, mailoutbox)
    with capture():
        make_comment(article)
    url = (
        re.search(r"https://rivista\.example(\S+)", mailoutbox[0].extra_headers["List-Unsubscribe"])
        .group(1)
        .rstrip(">")
    )
    assert Client().post(url).status_code == 200  # RFC 8058: no CSRF token, no session
    assert not DiscussionFollower.objects.exists()
    with capture():
        make_comment(article)
    assert len(mailoutbox) == 1
    assert Client().get(url).status_code == 400  # already gone: said clearly


def test_a_forged_or_expired_confirmation_is_refused(client, article, mailoutbox):
    ask(client, article)
    path = link_in(mailoutbox[0], "conferma")
    assert client.post(path[:-3] + "abc/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.post(path).status_code == 400
    assert DiscussionFollower.objects.get().confirmed_at is None


def test_confirming_also_proves_the_address_for_returning_commenters(client, article, mailoutbox):
    ask(client, article)
    response = client.post(link_in(mailoutbox[0], "conferma"))
    assert PROOF_COOKIE in response.cookies


def test_a_bad_address_keeps_the_form_with_the_message(client, article):
    response = ask(client, article, email="non-un-indirizzo")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert 'value="non-un-indirizzo"' in response.text
    assert not DiscussionFollower.objects.exists()


def test_bots_are_refused(client, article, mailoutbox):
    assert ask(client, article, website_confirm="x").status_code == 400
    assert ask(client, article, age_seconds=0).status_code == 400
    assert mailoutbox == []


def test_privacy_export_and_erase_cover_follows(client, article, mailoutbox):
    followed(client, article, mailoutbox)
    (row,) = personal_data_export(email=FAN)["data"]["discussion_follows"]
    assert row["article"] == "Il dibattito" and row["confirmed_at"]
    personal_data_erase(email=FAN.upper())
    assert not DiscussionFollower.objects.exists()


def test_the_follow_page_never_shows_the_address_to_others(client, article, mailoutbox):
    followed(client, article, mailoutbox)
    assert FAN.lower() not in Client().get(article.get_absolute_url()).text.lower()


@pytest.mark.parametrize("frequency", ["immediate", "daily"])
def test_followers_are_told_of_a_correction(client, capture, article, mailoutbox, frequency):
    from blog.services import correction_add
    from tests.factories import make_user

    followed(client, article, mailoutbox, frequency=frequency)
    with capture():
        correction = correction_add(
            article=article,
            kind="correction",
            text="Il sindaco si chiama Bianchi, non Rossi.",
            user=make_user(groups=["Editors"]),
        )

    (message,) = mailoutbox
    assert message.to == [FAN.lower()]
    assert "Il sindaco si chiama Bianchi, non Rossi." in message.body
    assert f"#correction-{correction.pk}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
