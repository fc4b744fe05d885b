"""core.smtp.send_then_commit against a real SMTP server: "sent" is recorded before the server
takes the message, so a crash at any point neither loses nor duplicates it."""

import smtplib
import time

import pytest
from django.core.mail import EmailMessage, mailers

from core.smtp import send_then_commit


def message(to="anna@example.com"):
    return EmailMessage("Numero", "Corpo\n.\nriga con un punto", "redazione@example.com", [to])


@pytest.fixture(params=[False, True], ids=["one-by-one", "pipelined"])
def connection(request, settings, smtp_server):
    if request.param:
        smtp_server.offer_pipelining()
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    connection = mailers["outgoing"]
    connection.open()
    yield connection
    connection.close()


def test_the_commit_comes_before_the_server_takes_the_message(connection, smtp_server):
    seen_at_commit = []

    send_then_commit(
        connection, message(), commit=lambda: seen_at_commit.append(len(smtp_server.messages))
    )

    assert seen_at_commit == [0]
    assert connection.connection.has_extn("pipelining") == smtp_server.handler.pipelining
    [received] = smtp_server.messages
    assert received.get_content().splitlines()[1] == "."  # dot-stuffing undone by the server


def test_a_crash_before_the_commit_delivers_nothing_and_a_resend_delivers_once(
    settings, connection, smtp_server
):
    def crash():
        raise KeyboardInterrupt  # as if the worker died here

    with pytest.raises(KeyboardInterrupt):
        send_then_commit(connection, message(), commit=crash)
    connection.connection.sock.close()  # the process is gone: so is its socket
    connection.connection = None
    time.sleep(0.2)
    assert smtp_server.messages == []

    connection.open()
    send_then_commit(connection, message(), commit=lambda: None)
    assert len(smtp_server.messages) == 1


def test_a_refusal_at_the_end_of_data_reaches_the_caller_after_its_commit(connection, smtp_server):
    committed = []
    smtp_server.refuse_next(1, "554 5.7.1 Rejected")

    with pytest.raises(smtplib.SMTPDataError) as refusal:
        send_then_commit(connection, message(), commit=lambda: committed.append(True))

    assert committed == [True]
    assert refusal.value.smtp_code == 554
    send_then_commit(connection, message(), commit=lambda: None)  # the session still works
    assert len(smtp_server.messages) == 1


def test_a_refused_recipient_raises_before_any_commit(connection, smtp_server):
    smtp_server.refuse_recipient("gone@example.com")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_then_commit(connection, message("gone@example.com"), commit=pytest.fail)

    assert smtp_server.messages == []
