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
from collections.abc import Callable

from django.core.mail import EmailMessage

_LEADING_DOT = re.compile(rb"(?m)^\.")


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


def send_raw_then_commit(
    smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, *, commit
) -> None:
    """send_then_commit() for a message already in bytes (CRLF line ends), on an open session."""
    _open_transaction(smtp, sender, recipients, size=len(data))
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)
    commit()
    smtp.send(b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _open_transaction(smtp: smtplib.SMTP, sender: str, recipients: list[str], *, size: int):
    """MAIL FROM, RCPT TO each recipient, DATA: what smtplib.sendmail does before the content,
    in one round trip when the server offers PIPELINING (RFC 2920)."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={size}"] if smtp.does_esmtp and smtp.has_extn("size") else []
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
    option_list = "".join(f" {option}" for option in options)
    commands = [
        f"MAIL FROM:{smtplib.quoteaddr(sender)}{option_list}",
        *(f"RCPT TO:{smtplib.quoteaddr(recipient)}" for recipient in recipients),
        "DATA",
    ]
    smtp.send("".join(f"{command}\r\n" for command in commands))
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
