"""Sending a message and recording it as sent, with no gap in which a crash could send it twice.

An SMTP server takes responsibility for a message only when it receives the line with a single
"." that ends the DATA; a connection lost before that line aborts the transaction and the server
discards what it got. send_then_commit() therefore sends the whole message except that line,
lets the caller commit "sent" to the database, and only then sends the "." and reads the reply:

- killed before the commit: the server never got the end, nothing was delivered, and the row is
  still unsent: sending it again later is right;
- killed after the commit: the row says sent and the end follows at once (a few microseconds
  between the commit returning and the "." leaving);
- refused at the end (a 4xx or 5xx after DATA): the exception reaches the caller, which records
  the failure over its "sent".

With a backend that is not SMTP (the console, the test outbox) it sends, then commits.
"""

import email.policy
import re
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import EmailMessage

_LEADING_DOT = re.compile(rb"(?m)^\.")
# An ASCII dot-atom address: the backend's prep_address() returns it as it is.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_%+=-]+(?:\.[A-Za-z0-9_%+=-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII
)


def send_then_commit(connection, message: EmailMessage, *, commit: Callable[[], None]) -> None:
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP) or not hasattr(connection, "prep_address"):
        connection.send_messages([message])
        commit()
        return
    sender = connection.prep_address(message.from_email)
    recipients = [connection.prep_address(address) for address in message.recipients()]
    data = message.message(policy=email.policy.SMTP).as_bytes()
    send_raw_then_commit(smtp, sender, recipients, data, commit=commit)


def no_delay(smtp: smtplib.SMTP | None) -> None:
    """Small writes leave at once (TCP_NODELAY). Without it the "." that ends a message, written
    right after its content, waits for the server to acknowledge the content, and a server
    delays that acknowledgement (up to 40 ms on Linux) because it has nothing to say yet."""
    sock = getattr(smtp, "sock", None)
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def envelope_address(connection, address: str) -> str:
    """connection.prep_address(address), without parsing it as a header when it is a plain
    address (nearly every one): the email package's parser costs more than the whole message."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return connection.prep_address(address)


def send_raw_then_commit(
    smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, *, commit
) -> None:
    """send_then_commit() for a message already in bytes (CRLF line ends), on an open session."""
    _open_transaction(smtp, sender, recipients, size=len(data))
    _send_content(smtp, data)
    commit()
    smtp.send(b".\r\n")
    _read_end_reply(smtp)


def _open_transaction(smtp: smtplib.SMTP, sender: str, recipients: list[str], *, size: int):
    """MAIL FROM, RCPT TO each recipient, DATA: what smtplib.sendmail does before the content,
    in one round trip when the server offers PIPELINING (RFC 2920)."""
    smtp.ehlo_or_helo_if_needed()
    options = _size_option(smtp, size)
    if smtp.does_esmtp and smtp.has_extn("pipelining"):
        _pipelined_transaction(smtp, sender, recipients, options)
        return
    code, reply = smtp.mail(sender, options)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _reset(smtp, code)
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    if code == 421:
        smtp.close()
    else:
        smtp.rset()


def _pipelined_transaction(smtp: smtplib.SMTP, sender: str, recipients: list[str], options):
    """MAIL, RCPTs and DATA sent together; every reply read back, in order, before deciding."""
    _send_envelope(smtp, sender, recipients, options)
    _read_envelope_replies(smtp, sender, recipients)


def _send_envelope(smtp: smtplib.SMTP, sender: str, recipients: list[str], options) -> None:
    option_list = "".join(f" {option}" for option in options)
    commands = [
        f"MAIL FROM:{_quote(sender)}{option_list}",
        *(f"RCPT TO:{_quote(recipient)}" for recipient in recipients),
        "DATA",
    ]
    smtp.send("".join(f"{command}\r\n" for command in commands))


def _quote(address: str) -> str:
    """smtplib.quoteaddr(), without its parser for a plain address."""
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def _read_envelope_replies(smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> None:
    mail_code, mail_reply = smtp.getreply()
    refused = {}
    for recipient in recipients:
        code, reply = smtp.getreply()
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    data_code, data_reply = smtp.getreply()
    failed = mail_code != 250 or len(refused) == len(recipients) or data_code != 354
    if not failed:
        return
    if data_code == 354:  # the server waits for content we will not send: end it empty
        smtp.send(b".\r\n")
        smtp.getreply()
    if 421 in (mail_code, data_code, *(code for code, _ in refused.values())):
        smtp.close()
    else:
        smtp.rset()
    if mail_code != 250:
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    raise smtplib.SMTPDataError(data_code, data_reply)


@dataclass
class Outgoing:
    """One message for send_many_then_commit(), on a session of its own; `error` is what
    stopped it (None: the server took it)."""

    smtp: smtplib.SMTP
    sender: str
    recipients: list[str]
    data: bytes
    key: object = None
    error: Exception | None = field(default=None, init=False)
    committed: bool = field(default=False, init=False)


def send_many_then_commit(
    messages: list[Outgoing], *, commit: Callable[[list[Outgoing]], None]
) -> None:
    """send_raw_then_commit() for several messages at once, each on its own open session: all
    the envelopes go out before any reply is read, then all the contents, then ONE commit for
    every message a server is waiting to end, then all the ends. The sessions' round trips
    overlap and the database is written once per round, not once per message.

    A kill before the commit delivers none of them; after it, the ends are already leaving (the
    window is one small write per message, microseconds). A failure is kept on its message
    (`error`, with `committed` saying whether the commit had counted it), never raised, except
    from commit() itself: then no end was sent, and the caller must drop every session."""
    waiting = []
    for message in messages:
        try:
            smtp = message.smtp
            smtp.ehlo_or_helo_if_needed()
            options = _size_option(smtp, len(message.data))
            if smtp.does_esmtp and smtp.has_extn("pipelining"):
                _send_envelope(smtp, message.sender, message.recipients, options)
                waiting.append(message)
            else:
                _open_transaction(smtp, message.sender, message.recipients, size=len(message.data))
        except Exception as error:
            message.error = error
    for message in waiting:
        _attempt(message, _read_envelope_replies, message.smtp, message.sender, message.recipients)
    for message in messages:
        if message.error is None:
            _attempt(message, _send_content, message.smtp, message.data)
    ready = [message for message in messages if message.error is None]
    if not ready:
        return
    commit(ready)
    for message in ready:
        message.committed = True
        _attempt(message, message.smtp.send, b".\r\n")
    for message in ready:
        if message.error is None:
            _attempt(message, _read_end_reply, message.smtp)


def _attempt(message: Outgoing, step, *args) -> None:
    try:
        step(*args)
    except Exception as error:
        message.error = error


def _size_option(smtp: smtplib.SMTP, size: int) -> list[str]:
    return [f"size={size}"] if smtp.does_esmtp and smtp.has_extn("size") else []


def _send_content(smtp: smtplib.SMTP, data: bytes) -> None:
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)


def _read_end_reply(smtp: smtplib.SMTP) -> None:
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
