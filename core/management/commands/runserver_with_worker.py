"""`manage.py runserver_with_worker [addrport]`: the development server and one worker together.

`make run` uses it: one command, and Ctrl-C (or either process ending) stops both. Unless
SITE_URL is set (environment or .env), both processes are given the address served as SITE_URL
(core.dev_server): the worker writes newsletters and sends mail without a request, and its links
must point at this server, whatever port `make run PORT=...` chose.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from core.dev_server import DEFAULT_ADDRPORT, served_site_url


def child_environment(addrport: str) -> dict[str, str]:
    """Our environment, with SITE_URL from the address served unless it is set."""
    site_url = served_site_url(addrport)
    if site_url is None:
        raise CommandError(f"{addrport!r} is not a port number or an address:port pair.")
    environment = dict(os.environ)
    if not environment.get("SITE_URL"):
        environment["SITE_URL"] = site_url
    return environment


class Command(BaseCommand):
    help = "Run the development server and one background worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT)

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, sys.argv[0]]
        environment = child_environment(addrport)
        self.stdout.write(f"Links in emails: {environment['SITE_URL']}")
        processes = [
            subprocess.Popen([*manage, "worker"], env=environment),  # noqa: S603 (our manage.py)
            subprocess.Popen([*manage, "runserver", addrport], env=environment),  # noqa: S603
        ]

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
