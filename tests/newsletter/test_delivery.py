"""Sending an issue: the database queue, `manage.py worker` and a real SMTP server in-process."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Article
from core.privacy import personal_data_erase
from newsletter import delivery
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.selectors import issue_progress
from newsletter.services import IssueNotReady, issue_cancel, issue_schedule
from tests.conftest import run_worker
from tests.factories import make_article
from tests.newsletter.conftest import make_issue, make_subscriber

pytestmark = pytest.mark.usefixtures("database_tasks")


def recipients(server) -> list[str]:
    return sorted(message["X-Envelope-To"] for message in server.messages)


def statuses(issue) -> dict[str, str]:
    return {
        d.subscriber.email if d.subscriber else None: d.status
        for d in Delivery.objects.filter(issue=issue).select_related("subscriber")
    }


def test_every_confirmed_subscriber_gets_the_issue_once(settings, issue, smtp_outgoing):
    settings.NEWSLETTER_BATCH_SIZE = 2
    settings.NEWSLETTER_SMTP_CONNECTIONS = 1
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        make_subscriber(email)
    make_subscriber("pending@example.com", status=Subscriber.Status.PENDING)
    make_subscriber("gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)

    issue_schedule(issue=issue)
    assert smtp_outgoing.messages == []  # the admin's request only scheduled it
    run_worker()

    assert recipients(smtp_outgoing) == ["a@example.com", "b@example.com", "c@example.com"]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.recipients_count == 3
    progress = issue_progress(issue)
    assert (progress.sent, progress.total, progress.percent) == (3, 3, 100)
    # Two batches of at most two messages: one SMTP connection each, not one per message.
    assert smtp_outgoing.connections == 2


def test_each_message_has_its_own_unsubscribe_link_html_and_text(issue, smtp_outgoing):
    make_subscriber("a@example.com")
    make_subscriber("b@example.com", language="en")

    issue_schedule(issue=issue)
    run_worker()

    by_address = {m["X-Envelope-To"]: m for m in smtp_outgoing.messages}
    links = set()
    for address, message in by_address.items():
        unsubscribe = message["List-Unsubscribe"].strip("<>")
        links.add(unsubscribe)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert unsubscribe in html
        assert unsubscribe in text
        assert "Primo pezzo" in html and "Primo pezzo" in text
        # CSS inlined; only the media query stays in a <style> (clients that read it adapt).
        assert 'style="' in html
        assert html.count("<style") == 1 and "<style>@media" in html
        assert address not in html  # no address in the body, only in the envelope
    assert len(links) == 2
    assert "Leggi l'articolo" in by_address["a@example.com"].get_body(("plain",)).get_content()
    assert "Read the article" in by_address["b@example.com"].get_body(("plain",)).get_content()


def test_a_worker_killed_mid_batch_is_made_good_exactly_once(
    settings, issue, smtp_outgoing, own_tasks_only
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    for n in range(7):
        make_subscriber(f"r{n}@example.com")
    issue_schedule(issue=issue)
    own_tasks_only("newsletter")  # the tasks counted below are the newsletter's
    run_worker(max_tasks=1)  # the start only: deliveries made, batches enqueued
    assert Issue.objects.get().status == Issue.Status.SENDING

    # A worker claims a batch, sends its first message, and is killed: its task row stays
    # RUNNING for ever, its claim stays on the rows.
    dead = list(Delivery.objects.order_by("pk")[:3])
    Delivery.objects.filter(pk__in=[d.pk for d in dead]).update(
        status=Delivery.Status.CLAIMED,
        claimed_by="dead",
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    Delivery.objects.filter(pk=dead[0].pk).update(status=Delivery.Status.SENT)
    DBTaskResult.objects.all().delete()

    run_worker()  # a worker (re)starting finds the issue half-way and finishes it

    sent_to = recipients(smtp_outgoing)
    expected = sorted({f"r{n}@example.com" for n in range(7)} - {dead[0].subscriber.email})
    assert sent_to == expected  # the one sent before the kill is not sent again
    assert len(set(sent_to)) == len(sent_to)
    assert set(statuses(issue).values()) == {Delivery.Status.SENT}
    assert Issue.objects.get().status == Issue.Status.SENT


def test_two_claims_never_take_the_same_rows(settings, issue):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        make_subscriber(f"r{n}@example.com")
    issue.status = Issue.Status.SENDING
    issue.save()
    delivery._create_deliveries(issue)

    first = delivery._claim(issue, "one")
    second = delivery._claim(issue, "two")

    assert first and second
    assert not set(first) & set(second)


def test_unsubscribed_and_erased_while_sending_are_skipped(
    settings, issue, smtp_outgoing, own_tasks_only
):
    for email in ("stays@example.com", "leaves@example.com", "erased@example.com"):
        make_subscriber(email)
    issue_schedule(issue=issue)
    own_tasks_only("newsletter")  # the tasks counted below are the newsletter's
    run_worker(max_tasks=1)  # deliveries exist now

    Subscriber.objects.filter(email="leaves@example.com").update(
        status=Subscriber.Status.UNSUBSCRIBED
    )
    personal_data_erase(email="erased@example.com")
    run_worker()

    assert recipients(smtp_outgoing) == ["stays@example.com"]
    notes = dict(Delivery.objects.filter(issue=issue).values_list("status", "note").order_by("pk"))
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SKIPPED).count() == 2
    assert notes[Delivery.Status.SKIPPED]
    erased = Delivery.objects.get(issue=issue, subscriber__isnull=True)
    assert erased.note == "Iscritto cancellato durante l'invio"
    assert Issue.objects.get().status == Issue.Status.SENT


def test_an_article_unpublished_after_being_picked_is_dropped(smtp_outgoing):
    kept = make_article(title="Resta nel numero")
    dropped = make_article(title="Ritirato all'ultimo")
    issue = make_issue(articles=[kept, dropped])
    make_subscriber("a@example.com")
    issue_schedule(issue=issue)

    Article.objects.filter(pk=dropped.pk).update(status=Article.Status.DRAFT)
    run_worker()

    html = smtp_outgoing.messages[0].get_body(("html",)).get_content()
    assert "Resta nel numero" in html
    assert "Ritirato" not in html


def test_an_issue_with_nothing_to_send_is_refused_clearly():
    issue = make_issue(articles=[], intro="")

    with pytest.raises(IssueNotReady, match="niente da inviare"):
        issue_schedule(issue=issue)
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_an_issue_whose_articles_were_all_unpublished_is_stopped_with_a_note(smtp_outgoing):
    article = make_article()
    issue = make_issue(articles=[article], intro="")
    make_subscriber("a@example.com")
    issue_schedule(issue=issue)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    run_worker()

    issue.refresh_from_db()
    assert issue.status == Issue.Status.CANCELLED
    assert "nessuno dei suoi articoli" in issue.note.lower()
    assert smtp_outgoing.messages == []
    assert not Delivery.objects.exists()


def test_an_issue_left_with_only_its_introduction_is_stopped_with_a_note(smtp_outgoing):
    article = make_article()
    issue = make_issue(articles=[article], intro="<p>Buongiorno, ecco il numero.</p>")
    make_subscriber("a@example.com")
    issue_schedule(issue=issue)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    run_worker()

    issue.refresh_from_db()
    assert issue.status == Issue.Status.CANCELLED
    assert smtp_outgoing.messages == []
    assert not Delivery.objects.exists()


def test_an_invalid_address_and_a_refused_recipient_are_recorded(issue, smtp_outgoing):
    make_subscriber("good@example.com")
    make_subscriber("refused@example.com")
    bad = make_subscriber("placeholder@example.com")
    Subscriber.objects.filter(pk=bad.pk).update(email="not an address@")
    smtp_outgoing.refuse_recipient("refused@example.com", "550 5.1.1 Mailbox unknown")

    issue_schedule(issue=issue)
    run_worker()

    assert recipients(smtp_outgoing) == ["good@example.com"]
    failed = {
        d.subscriber.email: d.note
        for d in Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("subscriber")
    }
    assert "550" in failed["refused@example.com"]
    assert "refused@example.com" not in failed["refused@example.com"]
    assert failed["not an address@"] == "Indirizzo email non valido"
    progress = issue_progress(issue)
    assert (progress.sent, progress.failed) == (1, 2)
    assert Issue.objects.get().status == Issue.Status.SENT


def test_a_temporary_refusal_is_retried_and_delivered_once(issue, smtp_outgoing):
    make_subscriber("a@example.com")
    make_subscriber("b@example.com")
    smtp_outgoing.refuse_next(1, "451 4.3.0 Try again later")

    issue_schedule(issue=issue)
    run_worker()

    assert recipients(smtp_outgoing) == ["a@example.com", "b@example.com"]
    assert Delivery.objects.filter(attempts=2).count() == 1


def test_smtp_down_puts_the_batch_back_and_waits(settings, issue, refusing_port):
    settings.MAILERS = {
        **settings.MAILERS,
        "outgoing": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": refusing_port, "use_tls": False, "timeout": 2},
        },
    }
    make_subscriber("a@example.com")
    issue_schedule(issue=issue)

    run_worker()

    assert set(statuses(issue).values()) == {Delivery.Status.QUEUED}
    assert Issue.objects.get().status == Issue.Status.SENDING
    waiting = DBTaskResult.objects.filter(status="READY", task_path__endswith="deliver_batch")
    assert waiting.exists()
    assert all(task.run_after > timezone.now() for task in waiting)


def test_cancel_mid_way_stops_what_is_not_sent(settings, issue, smtp_outgoing, own_tasks_only):
    settings.NEWSLETTER_BATCH_SIZE = 2
    settings.NEWSLETTER_PARALLEL_BATCHES = 1
    for n in range(6):
        make_subscriber(f"r{n}@example.com")
    issue_schedule(issue=issue)
    own_tasks_only("newsletter")  # the tasks counted below are the newsletter's
    run_worker(max_tasks=2)  # the start and one batch

    not_sent = issue_cancel(issue=issue)
    run_worker()

    assert len(smtp_outgoing.messages) == 2
    assert not_sent == 4
    progress = issue_progress(issue)
    assert (progress.sent, progress.skipped) == (2, 4)
    assert Issue.objects.get().status == Issue.Status.CANCELLED


def test_a_scheduled_issue_waits_for_its_time(issue, smtp_outgoing):
    make_subscriber("a@example.com")
    issue_schedule(issue=issue, send_at=timezone.now() + timedelta(hours=2))

    run_worker()

    assert smtp_outgoing.messages == []
    assert Issue.objects.get().status == Issue.Status.SCHEDULED
    task = DBTaskResult.objects.get(task_path__endswith="start_issue")
    assert task.run_after == Issue.objects.get().send_at


def test_a_round_over_several_connections_is_marked_sent_in_one_statement(
    settings, issue, smtp_outgoing
):
    settings.NEWSLETTER_BATCH_SIZE = 6
    settings.NEWSLETTER_SMTP_CONNECTIONS = 3
    smtp_outgoing.offer_pipelining()
    for n in range(6):
        make_subscriber(f"r{n}@example.com")

    issue_schedule(issue=issue)
    run_worker()

    assert recipients(smtp_outgoing) == [f"r{n}@example.com" for n in range(6)]
    assert smtp_outgoing.connections == 3  # one batch, three connections kept for it
    rows = Delivery.objects.filter(issue=issue)
    assert set(rows.values_list("status", flat=True)) == {Delivery.Status.SENT}
    # Two rounds of three messages: one UPDATE (one timestamp) per round, not per message.
    assert len(set(rows.values_list("sent_at", flat=True))) == 2
    ids = {m["Message-ID"] for m in smtp_outgoing.messages}
    assert len(ids) == 6


def test_an_address_outside_ascii_goes_through_the_email_package_in_the_same_batch(
    settings, issue, smtp_outgoing
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 2
    for email in ("a@example.com", "lettrice@caffè.it", "b@example.com", "c@example.com"):
        make_subscriber(email)

    issue_schedule(issue=issue)
    run_worker()

    got = recipients(smtp_outgoing)
    assert len(got) == 4
    assert [address for address in got if address.startswith("lettrice@xn--")]
    links = {m["List-Unsubscribe"] for m in smtp_outgoing.messages}
    assert len(links) == 4
    assert set(statuses(issue).values()) == {Delivery.Status.SENT}


def test_a_server_that_takes_one_connection_still_gets_the_whole_issue(
    settings, issue, smtp_outgoing, monkeypatch, caplog, refusing_port
):
    nowhere = smtp_outgoing.mailer()
    nowhere["OPTIONS"] = {**nowhere["OPTIONS"], "port": refusing_port, "timeout": 1}
    settings.MAILERS = {**settings.MAILERS, "nowhere": nowhere}
    settings.NEWSLETTER_SMTP_CONNECTIONS = 3
    settings.NEWSLETTER_PARALLEL_BATCHES = 1
    for n in range(5):
        make_subscriber(f"r{n}@example.com")
    real = delivery.mailers
    opened = []

    class OneConnectionOnly:
        def __getitem__(self, alias):
            opened.append(alias)
            return real[alias if len(opened) == 1 else "nowhere"]

    monkeypatch.setattr(delivery, "mailers", OneConnectionOnly())
    issue_schedule(issue=issue)
    run_worker()

    assert recipients(smtp_outgoing) == [f"r{n}@example.com" for n in range(5)]
    assert smtp_outgoing.connections == 1
    assert "1 SMTP connections only" in caplog.text
    assert Issue.objects.get().status == Issue.Status.SENT
