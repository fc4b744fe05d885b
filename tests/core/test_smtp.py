"""core.smtp.send_then_commit against a real SMTP server: "sent" is recorded before the server
takes the message, so a crash at any point neither loses nor duplicates it."""

import email.policy
import smtplib
import socket
import time

import pytest
from django.core.mail import EmailMessage, mailers

from core.smtp import (
    Outgoing,
    envelope_address,
    no_delay,
    send_many_then_commit,
    send_then_commit,
)


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


@pytest.fixture(params=[False, True], ids=["one-by-one", "pipelined"])
def sessions(request, settings, smtp_server):
    """Three open SMTP connections to the in-process server, as a newsletter batch keeps."""
    if request.param:
        smtp_server.offer_pipelining()
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    connections = [mailers["outgoing"] for _ in range(3)]
    for connection in connections:
        connection.open()
    yield connections
    for connection in connections:
        connection.close()


def outgoing(connections, *addresses):
    return [
        Outgoing(
            connection.connection,
            "redazione@example.com",
            [address],
            message(address).message(policy=email.policy.SMTP).as_bytes(),
            key=address,
        )
        for connection, address in zip(connections, addresses, strict=False)
    ]


def test_a_round_is_committed_once_before_any_server_takes_its_messages(sessions, smtp_server):
    messages = outgoing(sessions, "a@example.com", "b@example.com", "c@example.com")
    commits = []

    send_many_then_commit(
        messages,
        commit=lambda ready: commits.append(([m.key for m in ready], len(smtp_server.messages))),
    )

    assert commits == [(["a@example.com", "b@example.com", "c@example.com"], 0)]
    assert [m.error for m in messages] == [None, None, None]
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]
    assert smtp_server.messages[0].get_content().splitlines()[1] == "."


def test_a_crash_at_the_round_commit_delivers_none_of_it(sessions, smtp_server):
    def crash(ready):
        raise KeyboardInterrupt  # as if the worker died here

    with pytest.raises(KeyboardInterrupt):
        send_many_then_commit(outgoing(sessions, "a@example.com", "b@example.com"), commit=crash)
    for connection in sessions:
        connection.connection.sock.close()  # the process is gone: so are its sockets
        connection.connection = None
    time.sleep(0.2)

    assert smtp_server.messages == []


def test_a_refused_recipient_stays_out_of_the_commit_and_the_others_go(sessions, smtp_server):
    smtp_server.refuse_recipient("gone@example.com")
    messages = outgoing(sessions, "a@example.com", "gone@example.com", "c@example.com")
    committed = []

    send_many_then_commit(messages, commit=lambda ready: committed.extend(m.key for m in ready))

    assert committed == ["a@example.com", "c@example.com"]
    assert isinstance(messages[1].error, smtplib.SMTPRecipientsRefused)
    assert not messages[1].committed
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@example.com", "c@example.com"]


def test_a_refusal_at_the_end_is_kept_on_its_message_after_the_commit(sessions, smtp_server):
    smtp_server.refuse_next(1, "554 5.7.1 Rejected")
    messages = outgoing(sessions, "a@example.com", "b@example.com")

    send_many_then_commit(messages, commit=lambda ready: None)

    [refused] = [m for m in messages if m.error is not None]
    assert refused.committed and refused.error.smtp_code == 554
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    "address",
    ["anna@example.com", "a.b+news@mail.example.it", "x_y-z=1@sub.example.co.uk", "Anna <a@b.it>"],
)
def test_envelope_address_is_what_the_backend_would_send(settings, smtp_server, address):
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    connection = mailers["outgoing"]

    assert envelope_address(connection, address) == connection.prep_address(address)


def test_an_idn_address_is_still_encoded_by_the_backend(settings, smtp_server):
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    connection = mailers["outgoing"]

    encoded = envelope_address(connection, "lettrice@caffè.it")

    assert encoded == connection.prep_address("lettrice@caffè.it")
    assert encoded.startswith("lettrice@xn--")


def test_small_writes_leave_at_once(connection):
    no_delay(connection.connection)

    sock = connection.connection.sock
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
