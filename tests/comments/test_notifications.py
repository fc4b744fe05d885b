"""Email notifications: who is told what, after commit, and never anyone else's address.

Mail goes through Django's locmem backend (the test runner swaps every MAILERS alias for it);
on_commit callbacks run only inside django_capture_on_commit_callbacks(execute=True), as they
would after a real commit.
"""

import email.policy
import itertools
import smtplib
import time

import pytest
import time_machine
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comments.models import Comment, DiscussionSettings
from comments.services import comment_post, comment_set_status
from comments.unsubscribe import make_token, read_token
from core.models import OutgoingEmail
from tests.factories import find_elements, make_article, make_author, make_user, post_form_data

pytestmark = pytest.mark.django_db

SITE = "https://rivista.example"
ENGLISH = {"accept-language": "en"}
UNSUBSCRIBED = "You will no longer receive emails about replies to your comments on this site."
NOT_VALID = "This unsubscribe link is not valid"
_bodies = itertools.count(1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def author_user():
    return make_user(username="autrice", email="autrice@example.com", is_staff=True)


@pytest.fixture
def article(author_user):
    return make_article(title="L'isola che c'è", author=make_author(user=author_user))


def post(capture, article, **fields):
    fields.setdefault("body", f"Un commento qualunque, il numero {next(_bodies)}.")
    fields.setdefault("author_name", "Lettore")
    fields.setdefault("author_email", "lettore@example.com")
    with capture():
        return comment_post(article=article, **fields)


def approve(capture, comment):
    with capture():
        return comment_set_status(comment=comment, status=Comment.Status.APPROVED)


def approved(capture, article, **fields):
    return approve(capture, post(capture, article, **fields))


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.recipients())


def everything_in(message) -> str:
    """Every place an address could hide: envelope, headers, body and alternatives."""
    parts = [
        message.from_email,
        *message.to,
        *message.cc,
        *message.bcc,
        *message.reply_to,
        message.subject,
        message.body,
        *(f"{name}: {value}" for name, value in message.extra_headers.items()),
        *(str(alternative.content) for alternative in getattr(message, "alternatives", [])),
        message.message().as_string(),
    ]
    return "\n".join(parts).lower()


# Moderators, on a held comment.


def test_held_comment_emails_every_moderator_and_only_them(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    make_user(groups=["Moderators"], email="moderatrice@example.com")
    make_user(groups=["Editors"], email="editor@example.com")
    make_user(is_superuser=True, email="capo@example.com")
    from django.contrib.auth.models import Permission

    direct = make_user(email="diretto@example.com")
    direct.user_permissions.add(Permission.objects.get(codename="change_comment"))
    make_user(groups=["Moderators"], email="")  # no address
    make_user(groups=["Moderators"], email="sospeso@example.com", is_active=False)
    make_user(groups=["Authors"], email="scrittore@example.com")  # may not moderate
    make_user(email="staff@example.com")  # staff without the permission

    comment = post(capture, article)

    assert comment.status == Comment.Status.PENDING
    assert recipients(mailoutbox) == [
        "capo@example.com",
        "diretto@example.com",
        "editor@example.com",
        "moderatrice@example.com",
    ]
    assert all(len(message.recipients()) == 1 for message in mailoutbox)


def test_held_notification_says_what_where_who_why_and_links_the_queue(
    settings, capture, article, mailoutbox
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LIST = "pentole"
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    comment = post(
        capture,
        article,
        author_name="Giovanna",
        author_email="giovanna.privata@example.com",
        body="Vendo pentole a buon prezzo.",
        ip_address="203.0.113.77",
    )

    (message,) = mailoutbox
    assert comment.status == Comment.Status.PENDING
    assert "L'isola che c'è" in message.subject
    assert "L'isola che c'è" in message.body  # plain text: not HTML-escaped
    assert "Giovanna" in message.body
    assert "Vendo pentole a buon prezzo." in message.body
    assert "pentole" in comment.held_reason and comment.held_reason in message.body
    queue = SITE + reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    assert queue in message.body
    assert SITE + reverse("admin:comments_comment_change", args=[comment.pk]) in message.body
    assert "giovanna.privata" not in everything_in(message)
    assert "203.0.113.77" not in everything_in(message)


def test_held_reason_naming_the_commenters_address_or_ip_is_redacted(
    settings, capture, article, mailoutbox
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LIST = "Troll@Example.com\n198.51.100.9"
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    post(capture, article, author_email="troll@example.com")
    post(capture, article, author_email="altro@example.com", ip_address="198.51.100.9")

    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "troll@example.com" not in everything_in(message)
        assert "198.51.100.9" not in everything_in(message)
        assert "altro@example.com" not in everything_in(message)


def test_held_notification_is_in_the_sites_language_whatever_the_posters(
    settings, capture, article, mailoutbox
):
    settings.COMMENTS_ALLOW_ANONYMOUS = True
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    with translation.override("en"):
        post(capture, article, author_name="", author_email="")

    (message,) = mailoutbox
    assert "Anonimo" in message.body
    assert "Anonymous" not in message.body


@pytest.mark.parametrize("notify, told", [(True, 1), (False, 0)])
def test_moderators_are_emailed_only_when_the_setting_is_on(
    settings, capture, article, mailoutbox, notify, told
):
    settings.COMMENTS_NOTIFY_MODERATORS = notify
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    comment = post(capture, article)

    assert comment.status == Comment.Status.PENDING
    assert len(mailoutbox) == told


def test_saved_discussion_settings_turn_moderator_mail_off(capture, article, mailoutbox):
    make_user(groups=["Moderators"], email="moderatrice@example.com")
    post(capture, article, body="Prima.")
    assert len(mailoutbox) == 1
    rules = DiscussionSettings.from_django_settings()
    rules.notify_moderators = False
    rules.save()

    post(capture, article, body="Dopo.")

    assert len(mailoutbox) == 1


def test_a_comment_approved_at_once_emails_the_author_not_the_moderators(
    settings, capture, article, mailoutbox
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    post(capture, article)

    assert recipients(mailoutbox) == ["autrice@example.com"]


# The article's author, on an approved comment.


def test_approving_a_comment_emails_the_articles_author(capture, article, mailoutbox):
    comment = post(capture, article, author_name="Bruno", body="Bell'articolo, grazie.")
    mailoutbox.clear()  # the moderators' mail, if any

    approve(capture, comment)

    (message,) = mailoutbox
    assert message.to == ["autrice@example.com"]
    assert "L'isola che c'è" in message.subject
    assert "Bruno" in message.body
    assert "Bell'articolo, grazie." in message.body
    assert f"{SITE}/commento/{comment.pk}/" in message.body  # the permanent address
    assert "lettore@example.com" not in everything_in(message)


def test_author_is_not_emailed_about_their_own_comment(
    settings, capture, article, author_user, mailoutbox
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    post(capture, article, author_email="AUTRICE@example.com", body="Io.")  # logged out
    post(capture, article, author_email="altro@example.com", user=author_user, body="Ancora io.")
    assert mailoutbox == []

    post(capture, article, author_email="lettore@example.com", body="Un lettore.")

    assert recipients(mailoutbox) == ["autrice@example.com"]


@pytest.mark.parametrize("notify, told", [(True, ["autrice@example.com"]), (False, [])])
def test_author_is_emailed_only_when_the_setting_is_on(
    settings, capture, article, mailoutbox, notify, told
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_NOTIFY_AUTHORS = notify

    post(capture, article)

    assert recipients(mailoutbox) == told


@pytest.mark.parametrize(
    "account",
    [None, {"email": ""}, {"email": "spenta@example.com", "is_active": False}],
    ids=["no account", "no address", "inactive"],
)
def test_author_without_a_reachable_account_is_not_emailed(settings, capture, mailoutbox, account):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    user = make_user(**account) if account is not None else None
    article = make_article(author=make_author(user=user))
    parent = post(capture, article, author_email="carla@example.com", notify_on_reply=True)

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    assert recipients(mailoutbox) == ["carla@example.com"]


# The commenter replied to, if they opted in.


def test_approved_reply_emails_the_parent_commenter_who_opted_in(
    settings, capture, article, mailoutbox
):
    settings.COMMENTS_NOTIFY_AUTHORS = False
    parent = approved(
        capture,
        article,
        author_name="Carla",
        author_email="carla@example.com",
        body="Il mio primo commento.",
        notify_on_reply=True,
    )
    reply = post(
        capture,
        article,
        parent_id=parent.pk,
        author_name="Dario",
        author_email="dario@example.com",
        body="Ti rispondo volentieri.",
    )
    assert mailoutbox == []  # held: nothing for Carla yet

    approve(capture, reply)

    (message,) = mailoutbox
    assert message.to == ["carla@example.com"]
    assert "Dario" in message.subject and "L'isola che c'è" in message.subject
    assert "Ti rispondo volentieri." in message.body
    assert "Il mio primo commento." in message.body
    assert f"{SITE}/commento/{reply.pk}/" in message.body  # the permanent address
    # The token is signed with the time: read it back rather than make it again (a second may
    # have passed since the mail was written).
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    prefix = SITE + reverse("comments:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    assert unsubscribe.startswith(prefix)
    assert read_token(unsubscribe[len(prefix) :].strip("/")) == parent.pk
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "dario@example.com" not in everything_in(message)


def test_list_unsubscribe_is_sent_as_a_plain_url_however_long(
    settings, capture, article, mailoutbox
):
    """A long unbreakable header value must not come out as RFC 2047 encoded-words."""
    settings.SITE_URL = "https://www.una-rivista-dal-nome-davvero-molto-lungo.example/"
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_NOTIFY_AUTHORS = False
    # One second on the clock: the token made for the message and the one made here to
    # compare with carry the same signing time (they differed when a second turned between).
    with time_machine.travel(time.time(), tick=False):
        parent = post(capture, article, author_email="carla@example.com", notify_on_reply=True)
        post(capture, article, parent_id=parent.pk, author_email="dario@example.com")
        token = make_token(parent)

    (message,) = mailoutbox
    wire = message.message(policy=email.policy.SMTP).as_bytes().decode("ascii")
    url = settings.SITE_URL.rstrip("/") + reverse("comments:unsubscribe", args=[token])
    assert len(url) > 78
    assert f"\r\nList-Unsubscribe: <{url}>\r\n" in wire
    assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in wire
    parsed = email.message_from_bytes(wire.encode(), policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == f"<{url}>"


def test_reply_approved_at_once_emails_the_parent_commenter(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_NOTIFY_AUTHORS = False
    parent = post(capture, article, author_email="carla@example.com", notify_on_reply=True)

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    assert recipients(mailoutbox) == ["carla@example.com"]


def test_no_reply_mail_when_the_parent_did_not_opt_in(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    parent = post(capture, article, author_email="carla@example.com", notify_on_reply=False)

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    assert recipients(mailoutbox) == ["autrice@example.com"] * 2  # both comments


def test_no_reply_mail_when_replying_to_yourself(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    parent = post(capture, article, author_email="carla@example.com", notify_on_reply=True)

    post(capture, article, parent_id=parent.pk, author_email=" Carla@Example.COM")

    assert recipients(mailoutbox) == ["autrice@example.com"] * 2  # both comments


def test_no_reply_mail_to_a_parent_without_an_address(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_ALLOW_ANONYMOUS = True
    parent = post(capture, article, author_name="", author_email="", notify_on_reply=True)

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    assert recipients(mailoutbox) == ["autrice@example.com"] * 2  # both comments


def test_no_reply_mail_about_a_comment_moderators_took_down(capture, article, mailoutbox):
    parent = approved(capture, article, author_email="carla@example.com", notify_on_reply=True)
    reply = post(capture, article, parent_id=parent.pk, author_email="dario@example.com")
    with capture():
        comment_set_status(comment=parent, status=Comment.Status.SPAM)
    mailoutbox.clear()

    approve(capture, reply)

    assert recipients(mailoutbox) == ["autrice@example.com"]


def test_article_author_replied_to_gets_one_mail_not_two(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    parent = post(capture, article, author_email="autrice@example.com", notify_on_reply=True)

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    (message,) = mailoutbox
    assert message.to == ["autrice@example.com"]
    assert "List-Unsubscribe" in message.extra_headers  # the reply notification


def test_each_recipient_gets_a_separate_message(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    parent = post(capture, article, author_email="carla@example.com", notify_on_reply=True)
    mailoutbox.clear()

    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")

    assert recipients(mailoutbox) == ["autrice@example.com", "carla@example.com"]
    assert [len(message.recipients()) for message in mailoutbox] == [1, 1]


# Only after commit.


@pytest.mark.parametrize("require_approval", [True, False], ids=["held", "approved"])
def test_a_rolled_back_post_sends_nothing(settings, capture, article, mailoutbox, require_approval):
    settings.COMMENTS_REQUIRE_APPROVAL = require_approval
    make_user(groups=["Moderators"], email="moderatrice@example.com")

    with capture(), pytest.raises(RuntimeError), transaction.atomic():
        comment_post(article=article, body="Ciao.", author_name="A", author_email="a@ex.com")
        raise RuntimeError("the request failed after posting")

    assert not Comment.objects.exists()
    assert mailoutbox == []
    post(capture, article)  # the same, committed
    assert len(mailoutbox) == 1


def test_a_rolled_back_approval_sends_nothing(settings, capture, article, mailoutbox):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    comment = post(capture, article)

    with capture(), pytest.raises(RuntimeError), transaction.atomic():
        comment_set_status(comment=comment, status=Comment.Status.APPROVED)
        raise RuntimeError("the admin action failed later")

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert mailoutbox == []
    comment.refresh_from_db()  # the instance still says approved: the rollback missed it
    approve(capture, comment)  # the same, committed
    assert recipients(mailoutbox) == ["autrice@example.com"]


# Privacy.


def test_no_message_discloses_another_commenters_address(settings, capture, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 1
    settings.COMMENTS_HOLD_LIST = "parolaccia"
    make_user(groups=["Moderators"], email="moderatrice@example.com")
    author = make_user(username="autore", email="autore.articolo@example.com")
    article = make_article(author=make_author(user=author))
    people = [
        ("Anna", "anna.segreta@example.com", "192.0.2.1"),
        ("Bruno", "Bruno.Riservato@Example.IT", "192.0.2.2"),
        ("Carla", "carla+blog@example.org", "2001:db8::3"),
        ("Dario", "dario@esempio.it", "192.0.2.4"),
    ]
    comments = []
    for n, (name, address, ip) in enumerate(people * 2):
        parent = comments[-1] if comments else None
        held = n % 3 == 2
        comment = post(
            capture,
            article,
            parent_id=parent.pk if parent and parent.status == "approved" else None,
            author_name=name,
            author_email=address,
            ip_address=ip,
            notify_on_reply=True,
            body=f"Commento {n} di {name}" + (" con parolaccia" if held else ""),
        )
        if held:
            approve(capture, comment)
        comments.append(comment)
    comments.append(
        post(capture, article, parent_id=comments[0].pk, author_email="eva@example.com")
    )

    told = recipients(mailoutbox)
    assert told.count("moderatrice@example.com") == 2  # the two held comments
    assert told.count("autore.articolo@example.com") == 9  # every comment, once approved
    assert {"anna.segreta@example.com", "bruno.riservato@example.it"} <= {
        address.lower() for address in told
    }  # repliers' parents
    addresses = {address.lower() for _, address, _ in people} | {"eva@example.com"}
    for message in mailoutbox:
        (recipient,) = message.recipients()
        text = everything_in(message)
        for address in addresses - {recipient.lower()}:
            assert address not in text, (address, message.subject)
        for _, _, ip in people:
            assert ip not in text


# Unsubscribing.


def reply_notification(settings, capture, article, mailoutbox, **parent_fields):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    parent_fields.setdefault("author_email", "carla@example.com")
    parent = post(capture, article, notify_on_reply=True, **parent_fields)
    post(capture, article, parent_id=parent.pk, author_email="dario@example.com")
    (message,) = [m for m in mailoutbox if m.to == [parent_fields["author_email"]]]
    mailoutbox.clear()
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(SITE)
    return parent, url.removeprefix(SITE)


def test_unsubscribe_link_works_without_logging_in_and_says_what_happened(
    settings, capture, article, mailoutbox
):
    parent, path = reply_notification(settings, capture, article, mailoutbox)
    other = post(capture, article, author_email="CARLA@example.com", notify_on_reply=True)
    stranger = post(capture, article, author_email="dario@example.com", notify_on_reply=True)

    response = Client().post(path, headers=ENGLISH)

    assert response.status_code == 200
    html = response.content.decode()
    assert UNSUBSCRIBED in html
    assert article.get_absolute_url() in html
    assert "carla@example.com" not in html.lower()
    assert not Comment.objects.get(pk=parent.pk).notify_on_reply
    assert not Comment.objects.get(pk=other.pk).notify_on_reply
    assert Comment.objects.get(pk=stranger.pk).notify_on_reply


def test_unsubscribe_page_is_in_italian_for_italian_readers(settings, capture, article, mailoutbox):
    _, path = reply_notification(settings, capture, article, mailoutbox)

    response = Client().get(path, headers={"accept-language": "it"})

    assert response.status_code == 200
    assert 'lang="it"' in response.content.decode()


def test_unsubscribe_page_links_home_when_the_article_is_no_longer_public(
    settings, capture, article, mailoutbox
):
    parent, path = reply_notification(settings, capture, article, mailoutbox)
    article.status = article.Status.DRAFT
    article.save()

    response = Client().post(path, headers=ENGLISH)

    assert response.status_code == 200
    assert article.get_absolute_url() not in response.content.decode()
    assert not Comment.objects.get(pk=parent.pk).notify_on_reply


def test_unsubscribing_twice_is_harmless(settings, capture, article, mailoutbox):
    parent, path = reply_notification(settings, capture, article, mailoutbox)

    first = Client().post(path, headers=ENGLISH)
    second = Client().post(path, headers=ENGLISH)

    assert first.status_code == second.status_code == 200
    assert UNSUBSCRIBED in second.content.decode()
    assert not Comment.objects.get(pk=parent.pk).notify_on_reply


def test_following_the_link_asks_first_and_changes_nothing(settings, capture, article, mailoutbox):
    """Mail scanners follow every link in a message: a GET must not unsubscribe anyone."""
    parent, path = reply_notification(settings, capture, article, mailoutbox)

    response = Client().get(path, headers=ENGLISH)

    assert response.status_code == 200
    assert "Stop reply notifications?" in response.text
    assert find_elements(response.text, "form", method="post", action=path)  # its button
    assert Comment.objects.get(pk=parent.pk).notify_on_reply


def test_one_click_post_unsubscribes_without_a_csrf_token(settings, capture, article, mailoutbox):
    parent, path = reply_notification(settings, capture, article, mailoutbox)

    response = Client(enforce_csrf_checks=True).post(
        path, {"List-Unsubscribe": "One-Click"}, headers=ENGLISH
    )

    assert response.status_code == 200
    assert not Comment.objects.get(pk=parent.pk).notify_on_reply


def test_no_reply_mail_after_unsubscribing(settings, capture, article, mailoutbox):
    parent, path = reply_notification(settings, capture, article, mailoutbox)
    Client().post(path)

    post(capture, article, parent_id=parent.pk, author_email="eva@example.com")

    assert recipients(mailoutbox) == ["autrice@example.com"]


def test_unsubscribing_while_a_reply_waits_for_moderation_is_respected(
    settings, capture, article, mailoutbox
):
    parent, path = reply_notification(settings, capture, article, mailoutbox)
    settings.COMMENTS_REQUIRE_APPROVAL = True
    waiting = post(capture, article, parent_id=parent.pk, author_email="eva@example.com")
    assert waiting.parent.notify_on_reply  # loaded before the reader unsubscribes
    Client().post(path)

    approve(capture, waiting)

    assert recipients(mailoutbox) == ["autrice@example.com"]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps(1, salt="some.other.purpose"),
        signing.dumps("1", salt="comments.unsubscribe.replies"),
    ],
    ids=["garbage", "wrong salt", "not an id"],
)
def test_forged_unsubscribe_token_is_a_clear_400(settings, capture, article, mailoutbox, token):
    parent, _ = reply_notification(settings, capture, article, mailoutbox)

    for method in ("get", "post"):
        response = getattr(Client(), method)(
            reverse("comments:unsubscribe", args=[token]), headers=ENGLISH
        )
        assert response.status_code == 400
        assert NOT_VALID in response.content.decode()
    assert Comment.objects.get(pk=parent.pk).notify_on_reply


def test_tampered_unsubscribe_token_is_a_clear_400(settings, capture, article, mailoutbox):
    parent, path = reply_notification(settings, capture, article, mailoutbox)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = signing.dumps(parent.pk + 1, salt="x").split(":")[0] + token[token.index(":") :]

    response = Client().get(reverse("comments:unsubscribe", args=[tampered]), headers=ENGLISH)

    assert response.status_code == 400
    assert NOT_VALID in response.content.decode()
    assert Comment.objects.get(pk=parent.pk).notify_on_reply


def test_unsubscribe_link_for_a_deleted_comment_says_so(settings, capture, article, mailoutbox):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    leaf = post(capture, article, author_email="carla@example.com", notify_on_reply=True)
    path = reverse("comments:unsubscribe", args=[make_token(leaf)])
    leaf.delete()

    response = Client().get(path, headers=ENGLISH)

    assert response.status_code == 410
    assert "has been removed" in response.content.decode()


# Failures.


def failing_send(self, messages):
    raise smtplib.SMTPServerDisconnected("the mail server went away")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("require_approval", [True, False], ids=["held", "approved"])
def test_mail_failure_leaves_the_comment_posted_and_the_request_redirected(
    settings, article, mailoutbox, monkeypatch, caplog, require_approval
):
    """A real commit inside the request: the notification runs before the response is made."""
    settings.COMMENTS_REQUIRE_APPROVAL = require_approval
    make_user(is_superuser=True, email="capo@example.com")
    monkeypatch.setattr(EmailBackend, "send_messages", failing_send)

    response = Client().post(reverse("comments:post", args=[article.pk]), post_form_data(article))

    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert "the mail server went away" in caplog.text
    assert mailoutbox == []


def test_one_failed_message_does_not_stop_the_others(
    settings, capture, article, mailoutbox, monkeypatch
):
    make_user(groups=["Moderators"], email="prima@example.com")
    make_user(groups=["Moderators"], email="seconda@example.com")
    real_send = EmailBackend.send_messages

    def fail_for_the_first(self, messages):
        if messages[0].to == ["prima@example.com"]:
            raise smtplib.SMTPRecipientsRefused({})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_for_the_first)

    post(capture, article)

    assert recipients(mailoutbox) == ["seconda@example.com"]


def test_approval_survives_a_mail_failure(capture, article, mailoutbox, monkeypatch, caplog):
    comment = post(capture, article)
    monkeypatch.setattr(EmailBackend, "send_messages", failing_send)

    approve(capture, comment)  # the author's notification fails

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    assert mail.outbox == []
    # Not lost: kept in the mail queue for a later attempt (core.tasks), the error recorded.
    waiting = OutgoingEmail.objects.get(status=OutgoingEmail.Status.QUEUED)
    assert "the mail server went away" in waiting.last_error


def test_bulk_approval_emails_the_author_once_per_newly_approved_comment(
    capture, article, mailoutbox
):
    from comments.services import comments_set_status

    held = [post(capture, article, body=f"Commento in blocco {n}.") for n in range(2)]
    already = approved(capture, article, body="Già approvato.")
    mailoutbox.clear()

    with capture():
        changed = comments_set_status(
            comments=Comment.objects.filter(pk__in=[c.pk for c in [*held, already]]),
            status=Comment.Status.APPROVED,
        )

    assert changed == 2
    assert recipients(mailoutbox) == ["autrice@example.com", "autrice@example.com"]
    assert "Già approvato." not in "".join(m.body for m in mailoutbox)
