"""A local SMTP sink for the newsletter benchmark: accepts everything, keeps nothing but a line
per message ("recipient<TAB>Message-ID") in a file, so the benchmark can count deliveries.

    python -m bench.smtp_sink PORT LOG_PATH
"""

import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(\S*)")


class Sink:
    def __init__(self, log):
        self.log = log
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands one after another from its stream, so it can take them
        # pipelined (RFC 2920); it only does not say so.
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\r\n\r\n", 1)[0]  # the headers only
        found = MESSAGE_ID.search(head)
        message_id = found[1].decode("ascii", "replace") if found else ""
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.log.write(f"{recipient}\t{message_id}\n")
            self.log.flush()
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "a", encoding="utf-8") as log:
        controller = Controller(Sink(log), hostname="127.0.0.1", port=port)
        controller.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        print("ready", flush=True)
        stop.wait()
        controller.stop()


if __name__ == "__main__":
    main()
