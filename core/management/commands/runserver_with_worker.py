"""`manage.py runserver_with_worker [addrport]`: the development server and one worker together.

`make run` uses it: one command, and Ctrl-C (or either process ending) stops both.
"""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server and one background worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, sys.argv[0]]
        processes = [
            subprocess.Popen([*manage, "worker"]),  # noqa: S603 (our own manage.py)
            subprocess.Popen([*manage, "runserver", addrport]),  # noqa: S603
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
