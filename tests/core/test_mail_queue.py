"""Every email leaves through the mail queue: a task after commit, retried, recorded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from core import conf
from core.mail import ListEmailMessage
from core.mail_queue import erase_outgoing_email, export_outgoing_email
from core.models import OutgoingEmail
from core.tasks import retry_delay
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db


def test_a_message_is_stored_and_sent_by_a_task_only_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_mail("Oggetto", "Corpo", "redazione@example.com", ["Anna@Example.com"])
        # Inside the transaction: stored, not sent.
        assert mailoutbox == []
        assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.QUEUED

    assert [m.subject for m in mailoutbox] == ["Oggetto"]
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.recipients == "anna@example.com"


def test_a_rolled_back_transaction_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mail("Oggetto", "Corpo", "redazione@example.com", ["anna@example.com"])
        raise RuntimeError

    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()


def test_the_message_is_rebuilt_whole_in_the_worker(mailoutbox, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "Oggetto", "Testo", "redazione@example.com", ["anna@example.com"],
        headers={"List-Unsubscribe": "<https://example.com/u/x/>"}, reply_to=["r@example.com"],
    )  # fmt: skip
    message.attach_alternative("<p>HTML</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    sent = mailoutbox[0]
    assert type(sent) is EmailMultiAlternatives
    assert sent.body == "Testo"
    assert sent.reply_to == ["r@example.com"]
    assert sent.extra_headers["List-Unsubscribe"] == "<https://example.com/u/x/>"
    assert [(a.content, a.mimetype) for a in sent.alternatives] == [("<p>HTML</p>", "text/html")]


def test_through_a_real_smtp_server(settings, smtp_server, django_capture_on_commit_callbacks):
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    unsubscribe = "https://example.com/newsletter/disiscrizione/" + "x" * 90 + "/"
    message = ListEmailMessage(
        "Conferma", "Segui il link", "redazione@example.com", ["anna@example.com"],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    [received] = smtp_server.messages
    assert received["Subject"] == "Conferma"
    assert received["X-Envelope-To"] == "anna@example.com"
    assert received["List-Unsubscribe"] == f"<{unsubscribe}>"  # one line, not encoded words
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_a_refusing_server_leads_to_retries_with_the_real_worker_not_loss(
    settings, smtp_server, database_tasks
):
    """The database queue and `manage.py worker`: refused twice (451), then accepted."""
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    settings.EMAIL_RETRY_DELAY = 0  # no waiting between attempts in a test
    smtp_server.refuse_next(2)

    send_mail("Risposta", "Corpo", "redazione@example.com", ["anna@example.com"])
    assert smtp_server.messages == []  # the request only queued it
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    assert [m["Subject"] for m in smtp_server.messages] == ["Risposta"]
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT
    assert row.attempts == 3
    assert DBTaskResult.objects.successful().count() == 3


def test_smtp_down_keeps_the_email_queued_with_a_later_attempt(
    settings, database_tasks, refusing_port
):
    settings.MAILERS = {
        **settings.MAILERS,
        "outgoing": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": refusing_port, "use_tls": False, "timeout": 2},
        },
    }
    send_mail("Oggetto", "Corpo", "redazione@example.com", ["anna@example.com"])

    run_worker()

    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.QUEUED
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    # The email's retry (a starting worker also queues the readership fold: not ours to count).
    retry = DBTaskResult.objects.get(status="READY", task_path="core.tasks.send_queued_email")
    assert retry.run_after == row.next_attempt_at
    assert row.next_attempt_at > row.updated


def test_a_permanent_refusal_is_recorded_as_failed_without_retries(
    settings, smtp_server, database_tasks
):
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    smtp_server.refuse_recipient("gone@example.com")

    send_mail("Oggetto", "Corpo", "redazione@example.com", ["gone@example.com"])
    run_worker()

    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error
    assert "gone@example.com" not in row.last_error
    assert not DBTaskResult.objects.ready().exists()


def test_retry_delays_grow_and_ride_out_an_hour_of_outage():
    delays = [retry_delay(attempt) for attempt in range(1, conf.get("EMAIL_MAX_ATTEMPTS"))]
    assert delays[0] == timedelta(seconds=30)
    assert delays == sorted(delays)
    assert max(delays) == timedelta(hours=1)
    assert sum(delays, timedelta()) > timedelta(hours=2)


def test_a_send_a_killed_worker_left_claimed_is_sent_when_a_worker_starts(
    settings, database_tasks, mailoutbox
):
    settings.MAILERS = {
        **settings.MAILERS,
        "outgoing": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    send_mail("Oggetto", "Corpo", "redazione@example.com", ["anna@example.com"])
    row = OutgoingEmail.objects.get()
    # As a worker killed mid-send leaves it: claimed long ago, its task gone.
    DBTaskResult.objects.all().delete()
    stale = row.created - timedelta(hours=1)
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=stale, attempts=1
    )

    run_worker()

    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_personal_data_export_and_erase(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Per Anna", "Corpo", "redazione@example.com", ["anna@example.com"])
        send_mail("Per Bruno", "Corpo", "redazione@example.com", ["bruno@example.com"])

    assert [e["subject"] for e in export_outgoing_email("Anna@example.com")] == ["Per Anna"]
    assert erase_outgoing_email("anna@example.com") == 1
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Per Bruno"]


def test_a_request_never_talks_to_smtp(settings, database_tasks, smtp_server):
    """Posting a comment that moderators must hear about, with the production task backend: the
    request only queues the email; the SMTP server hears of it from the worker."""
    from django.test import Client
    from django.urls import reverse

    from comments.models import Comment
    from tests.factories import make_article, make_user, post_form_data

    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    settings.COMMENTS_REQUIRE_APPROVAL = True
    make_user(is_superuser=True, email="capo@example.com")
    article = make_article()

    response = Client().post(reverse("comments:post", args=[article.pk]), post_form_data(article))

    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert smtp_server.connections == 0
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.QUEUED

    run_worker()

    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["capo@example.com"]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
