"""The contact form on the Contatti page, the editors' inbox and the privacy tools."""

import pytest
from django.urls import reverse

from contact.forms import ContactForm
from contact.models import ContactMessage
from core.privacy import personal_data_erase, personal_data_export
from pages.models import Page
from tests.factories import csrf_browser, csrf_post_data, make_user

pytestmark = pytest.mark.django_db

SEND = reverse("contact:send")


@pytest.fixture
def page():
    return Page.objects.create(
        title="Contatti",
        slug="contatti",
        status="published",
        body="<p>Scrivici.</p>",
        template="contact/page.html",
    )


@pytest.fixture(autouse=True)
def _quick_form(settings):
    settings.CONTACT_MIN_SECONDS = 0


def form_data(**overrides):
    data = {
        "contact-name": "Giulia Verdi",
        "contact-email": "giulia@example.org",
        "contact-subject": "Un errore nell'articolo",
        "contact-message": "Nel terzo paragrafo la data è sbagliata.",
        "contact-timestamp": ContactForm.sign(""),
        "contact-website_confirm": "",
    }
    data.update(overrides)
    return data


def test_contact_page_shows_the_form_with_the_privacy_link(client, page):
    Page.objects.create(title="Privacy", slug="privacy", status="published", is_privacy_policy=True)
    html = client.get("/contatti/").text
    assert 'id="contact-form"' in html
    form = html.split('id="contact-form"')[1]
    assert 'href="/privacy/"' in form


def test_a_message_lands_in_the_inbox_and_emails_editors_and_sender(
    client, page, mailoutbox, django_capture_on_commit_callbacks
):
    editor = make_user(groups=["Editors"], email="capo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND, form_data())
    assert response.status_code == 302
    message = ContactMessage.objects.get()
    assert (message.name, message.is_read, message.ip_address) == (
        "Giulia Verdi",
        False,
        "127.0.0.1",
    )
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == [editor.email, "giulia@example.org"]
    to_editors = next(m for m in mailoutbox if m.to == [editor.email])
    assert "la data è sbagliata" in to_editors.body
    assert to_editors.reply_to == ["giulia@example.org"]
    receipt = next(m for m in mailoutbox if m.to == ["giulia@example.org"])
    assert "la data è sbagliata" not in receipt.body  # never echoes what was typed


def test_bad_input_keeps_what_was_typed(client, page):
    response = client.post(SEND, form_data(**{"contact-email": "non-un-indirizzo"}))
    assert response.status_code == 400
    assert "Nel terzo paragrafo la data è sbagliata." in response.text
    assert 'aria-invalid="true"' in response.text
    assert not ContactMessage.objects.exists()


def test_honeypot_and_fast_forms_are_refused(client, page, settings):
    assert client.post(SEND, form_data(**{"contact-website_confirm": "x"})).status_code == 400
    settings.CONTACT_MIN_SECONDS = 60
    response = client.post(SEND, form_data())
    assert response.status_code == 400
    assert "Un errore nell&#x27;articolo" in response.text
    assert not ContactMessage.objects.exists()


def test_rate_limit_keeps_the_text(client, page, settings):
    settings.CONTACT_RATE_LIMIT = 1
    assert client.post(SEND, form_data()).status_code == 302
    response = client.post(SEND, form_data(**{"contact-subject": "Seconda"}))
    assert response.status_code == 429
    assert "Seconda" in response.text
    assert ContactMessage.objects.count() == 1


def test_too_long_message_is_refused_with_a_message(client, page, settings):
    settings.CONTACT_MAX_LENGTH = 10
    response = client.post(SEND, form_data())
    assert response.status_code == 400
    assert ContactMessage.objects.count() == 0


def test_no_contact_page_is_a_404_not_a_500(client):
    assert client.post(SEND, form_data()).status_code == 404
    assert client.get(SEND).status_code == 405


def test_opening_a_message_marks_it_read_and_actions_work(client, page):
    client.post(SEND, form_data())
    message = ContactMessage.objects.get()
    editor = make_user(groups=["Editors"])
    client.force_login(editor)
    assert (
        client.get(reverse("admin:contact_contactmessage_change", args=[message.pk])).status_code
        == 200
    )
    message.refresh_from_db()
    assert message.is_read
    changelist = reverse("admin:contact_contactmessage_changelist")
    for action in ("mark_unread", "assign_to_me", "mark_replied"):
        client.post(changelist, {"action": action, "_selected_action": [message.pk], "index": 0})
    message.refresh_from_db()
    assert message.assigned_to == editor and message.replied_at is not None and message.is_read


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_only_editors_read_the_inbox(client, group):
    client.force_login(make_user(groups=[group]))
    assert client.get(reverse("admin:contact_contactmessage_changelist")).status_code == 403


def test_privacy_export_and_erase_cover_the_messages(client, page):
    client.post(SEND, form_data(**{"contact-email": "Giulia@Example.org"}))
    exported = personal_data_export(email="giulia@example.org")
    assert exported["data"]["contact_messages"][0]["subject"] == "Un errore nell'articolo"
    personal_data_erase(email="giulia@example.org")
    assert not ContactMessage.objects.exists()


def test_expired_form_is_refused(client, page, settings, monkeypatch):
    settings.CONTACT_MAX_FORM_AGE = 1
    old = ContactForm.sign("")
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)
    response = client.post(SEND, form_data(**{"contact-timestamp": old}))
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()


def test_editors_see_how_many_messages_are_unread(client, page):
    client.post(SEND, form_data())
    client.force_login(make_user(groups=["Editors"]))
    html = client.get(reverse("admin:index")).text
    assert 'class="unread-messages-link"' in html and "?is_read__exact=0" in html
    client.force_login(make_user(groups=["Moderators"]))
    assert "unread-messages-link" not in client.get(reverse("admin:index")).text


def test_a_database_that_refuses_the_write_is_a_503_that_keeps_the_message(page, monkeypatch):
    from django.db import OperationalError
    from django.test import Client

    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ContactMessage, "save", fail)
    response = Client(raise_request_exception=False).post(
        SEND, form_data(), headers={"accept-language": "en"}
    )

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "could not be saved just now" in response.text
    assert "Nel terzo paragrafo la data è sbagliata." in response.text


def test_receipts_are_capped_per_mailbox_and_the_answer_is_the_same(
    page, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """Many clients writing under `+tag`s of one mailbox: it gets its share of receipts, the
    editors every message, and each sender the same answer."""
    settings.CONTACT_RECEIPTS_PER_MAILBOX = 3
    editor = make_user(groups=["Editors"], email="capo@example.org")
    answers = set()
    for n in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            response = csrf_browser(f"10.4.{n}.1").post(
                SEND, csrf_post_data(form_data(**{"contact-email": f"Vittima+{n}@X.org"}))
            )
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, reverse("contact:sent"))}
    assert ContactMessage.objects.count() == 20
    receipts = [m for m in mailoutbox if m.to != [editor.email]]
    assert len(receipts) == 3
    assert len(mailoutbox) - len(receipts) == 20
