"""A real SMTP server in the test process (aiosmtpd), with refusals on demand.

    server.refuse_next(2, "451 4.3.0 Try again later")   # the next two messages are refused
    server.refuse_recipient("bad@example.com", "550 5.1.1 No such user")

`server.messages` holds every accepted message as an email.message.Message, in order.
"""

import contextlib
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def refusing_port():
    """A loopback port that refuses every connection while the block runs: bound but never
    listening, so no server (another pytest-xdist worker's, say) can take it meanwhile, as it
    could a port free_port() has let go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.messages = []
        self.connections = 0
        self.refusals: list[str] = []
        self.refused_recipients: dict[str, str] = {}
        self.pipelining = False
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd takes pipelined commands; it only does not say so
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.refused_recipients.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self.handler.messages

    @property
    def connections(self) -> int:
        return self.handler.connections

    def refuse_next(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.refusals.extend([reply] * count)

    def offer_pipelining(self) -> None:
        self.handler.pipelining = True

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 No such user") -> None:
        self.handler.refused_recipients[address.lower()] = reply

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def mailer(self) -> dict:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": self.port,
                "use_tls": False,
                "timeout": 5,
            },
        }
