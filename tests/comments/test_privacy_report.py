"""Erasing a person says what it erases, kind by kind, with counts: before (the command's
question, the admin's confirmation page) and after (the command's report, the admin's message).
Each kind counts its own records (core.privacy): a person with only a newsletter subscription
is told about a subscription, not "0 comments ... anonymized"."""

import io

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from comments.models import Comment, CommenterAddress, DiscussionFollower
from contact.models import ContactMessage
from core.models import OutgoingEmail
from newsletter.models import Subscriber
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

EMAIL = "persona@example.org"
LABELS = {
    "comments": "Comments (anonymized: the text stays and every thread keeps its shape)",
    "newsletter": "Newsletter subscription",
    "contact_messages": "Contact messages",
    "emails": "Copies of the emails sent to the address",
    "discussion_follows": "Discussions followed by email",
    "commenter_addresses": "Confirmations of the address as a returning commenter",
}


def store_comments():
    article = make_article()
    root = make_comment(article, author_email=EMAIL, author_name="Persona")
    make_comment(article, parent=root, author_email=EMAIL.upper(), author_name="Persona")
    return 2


def store_subscription():
    Subscriber.objects.create(email=EMAIL, status=Subscriber.Status.CONFIRMED)
    return 1


def store_contact_messages():
    for subject in ("Una domanda", "Un'altra domanda", "Grazie"):
        ContactMessage.objects.create(name="Persona", email=EMAIL, subject=subject, message="…")
    return 3


def store_emails():
    for subject in ("Conferma", "Risposta"):
        send_mail(subject, "Corpo", "redazione@example.com", [EMAIL])
    return 2


def store_follows():
    for _ in range(2):
        DiscussionFollower.objects.create(article=make_article(), email=EMAIL)
    return 2


def store_addresses():
    CommenterAddress.objects.create(email=EMAIL)
    return 1


STORE = {
    "comments": store_comments,
    "newsletter": store_subscription,
    "contact_messages": store_contact_messages,
    "emails": store_emails,
    "discussion_follows": store_follows,
    "commenter_addresses": store_addresses,
}


def nothing_left() -> bool:
    return not any(
        [
            Comment.objects.filter(author_email__iexact=EMAIL).exists(),
            Subscriber.objects.filter(email=EMAIL).exists(),
            ContactMessage.objects.filter(email__iexact=EMAIL).exists(),
            OutgoingEmail.objects.filter(recipients__contains=EMAIL).exists(),
            DiscussionFollower.objects.filter(email=EMAIL).exists(),
            CommenterAddress.objects.filter(email=EMAIL).exists(),
        ]
    )


def listed(text: str) -> dict[str, int]:
    """The kinds a question or a report lists, with their counts."""
    found = {}
    for name, label in LABELS.items():
        for line in text.splitlines():
            if line.strip().startswith(f"- {label}: "):
                found[name] = int(line.rsplit(": ", 1)[1])
    return found


def erase_at_the_command_line(monkeypatch) -> tuple[str, str]:
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "yes")
    out = io.StringIO()
    with translation.override("en"):
        call_command("erase_personal_data", EMAIL, stdout=out)
    (question,) = questions
    return question, out.getvalue()


@pytest.mark.parametrize("kind", list(STORE))
def test_a_person_with_one_kind_of_data_is_told_about_that_kind_only(kind, monkeypatch):
    count = STORE[kind]()

    question, report = erase_at_the_command_line(monkeypatch)

    assert listed(question) == {kind: count}
    assert listed(report) == {kind: count}
    assert "This cannot be undone." in question
    assert nothing_left()


def test_a_person_with_every_kind_of_data_is_told_about_each(monkeypatch):
    counts = {kind: store() for kind, store in STORE.items()}

    question, report = erase_at_the_command_line(monkeypatch)

    assert listed(question) == counts
    assert listed(report) == counts
    assert "0" not in question.replace(EMAIL, "")  # no kind with nothing in it
    assert nothing_left()


def test_the_question_and_the_report_speak_italian(monkeypatch):
    store_subscription()
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "yes")
    out = io.StringIO()
    with translation.override("it"):
        call_command("erase_personal_data", EMAIL, stdout=out)

    assert "Iscrizione alla newsletter: 1" in questions[0]
    assert "commenti" not in questions[0].lower()
    assert "Iscrizione alla newsletter: 1" in out.getvalue()


# The admin action: a person is found from a comment of theirs.


def erase_in_the_admin(client, user):
    comment = Comment.objects.filter(author_email__iexact=EMAIL).first()
    client.force_login(user)
    data = {"action": "erase_personal_data", "_selected_action": [comment.pk]}
    url = reverse("admin:comments_comment_changelist")
    english = {"accept-language": "en"}
    page = client.post(url, data, headers=english)
    done = client.post(url, {**data, "post": "yes"}, headers=english, follow=True)
    [message] = [str(m) for m in done.context["messages"]]
    return page.text, message


def test_the_admin_lists_each_kind_before_and_after(client):
    counts = {kind: store() for kind, store in STORE.items()}

    page, message = erase_in_the_admin(client, make_user(is_superuser=True))

    for kind, count in counts.items():
        assert f"<li>{LABELS[kind]}: {count}</li>" in page, kind
        assert f"{LABELS[kind]}: {count}" in message, kind
    assert EMAIL in message
    assert nothing_left()


def test_a_moderator_is_shown_only_the_kinds_a_moderator_erases(client):
    store_comments()
    store_subscription()
    store_contact_messages()

    page, message = erase_in_the_admin(client, make_user(groups=["Moderators"]))

    assert f"<li>{LABELS['comments']}: 2</li>" in page
    for kind in ("newsletter", "contact_messages"):
        assert LABELS[kind] not in page and LABELS[kind] not in message
    assert f"{LABELS['comments']}: 2" in message
    assert Subscriber.objects.filter(email=EMAIL).exists()
