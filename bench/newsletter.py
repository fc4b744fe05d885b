"""Newsletter benchmark: one issue to 10,000 and then 100,000 confirmed subscribers, sent by two
`manage.py worker` processes through a local SMTP sink (bench.smtp_sink), one worker killed
(SIGKILL) at about 50% of the large run and restarted, as systemd would.

    make bench-newsletter                                   # SQLite, in a temporary file
    DATABASE_URL=postgres://... make bench-newsletter       # PostgreSQL: schema bench_newsletter
    .venv/bin/python -m bench.newsletter --sizes 10000 100000 --workers 2

For each size it builds a fresh database (migrate, the subscribers, an issue of three articles),
schedules the issue, starts the sink and the workers, and watches the deliveries. It prints
messages per second (first message to last), the peak resident memory (VmHWM) of each worker,
and checks the result against the sink's own log: every confirmed subscriber received the issue
exactly once (no one missing, no one twice), every delivery row is marked sent. It exits non-zero
if a check fails, and if the peak memory at the largest size is more than 1.2x the one at the
smallest. Not part of the tests.
"""

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load import free_port

BASE_DIR = Path(__file__).resolve().parent.parent
CLAIM_TIMEOUT = 10  # seconds before the killed worker's batch is taken over
SCHEMA = "bench_newsletter"
COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM newsletter_delivery GROUP BY status"


class Database:
    """The benchmark's own database, fresh for each size, read without Django."""

    def __init__(self, base_url: str | None, workdir: Path, schema: str = SCHEMA):
        self.schema = schema
        self.postgres = bool(base_url) and urlsplit(base_url).scheme.startswith("postgres")
        if self.postgres:
            # A schema of its own in DATABASE_URL's database, dropped afterwards: creating a
            # database needs every server process to answer, which a stuck session can block.
            self.base_url = base_url
            self.url = urlunsplit(
                urlsplit(base_url)._replace(query=f"options=-c%20search_path%3D{schema}")
            )
        else:
            self.path = workdir / f"{schema.replace('_', '-')}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def recreate(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.base_url, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
                connection.execute(f"CREATE SCHEMA {self.schema}")
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            options = f"-c search_path={self.schema}"
            with psycopg.connect(self.base_url, options=options) as connection:
                return connection.execute(sql).fetchall()
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.base_url, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def environment(database: Database, smtp_port: int) -> dict:
    return {
        **os.environ,
        "IGNORE_DOTENV": "1",
        "DEBUG": "0",
        "DATABASE_URL": database.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "NEWSLETTER_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str, env: dict, **kwargs):
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, **kwargs
    )


def start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def peak_memory_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM), in KiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def populate(size: int) -> None:
    """Inside Django (a child process): subscribers, three articles, the issue, scheduled."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from blog.models import Article, Author
    from newsletter.models import Issue, IssueArticle, Subscriber
    from newsletter.services import issue_schedule

    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"lettore{n:06d}@example.com",
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=timezone.now(),
                language="en" if n % 5 == 0 else "it",
            )
            for n in range(size)
        ),
        batch_size=5000,
    )
    author = Author.objects.create(display_name="Redazione", slug="redazione")
    issue = Issue.objects.create(
        subject="Il meglio della settimana",
        slug="numero-1",
        preheader="Tre letture per il fine settimana",
        intro="<p>Buongiorno! Ecco <a href='/chi-siamo/'>le nostre</a> scelte.</p>",
    )
    for n in range(3):
        article = Article.objects.create(
            title=f"Articolo {n + 1}",
            slug=f"articolo-{n + 1}",
            author=author,
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now(),
            lead="Un sommario di qualche riga, come quelli che scrive la redazione. " * 3,
            body="<p>Testo.</p>",
        )
        IssueArticle.objects.create(issue=issue, article=article, position=n)
    issue_schedule(issue=issue)


def sink_counts(log_path: Path) -> tuple[Counter, int]:
    recipients = Counter()
    message_ids = Counter()
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            recipient, _, message_id = line.rstrip("\n").partition("\t")
            recipients[recipient] += 1
            message_ids[message_id] += 1
    return recipients, sum(1 for count in message_ids.values() if count > 1)


def run_size(size: int, *, workers: int, kill: bool, base_url: str | None, workdir: Path) -> dict:
    database = Database(base_url, workdir)
    database.recreate()
    smtp_port = free_port()
    env = environment(database, smtp_port)
    print(f"\n== {size:,} subscribers, {workers} workers{', one killed at ~50%' if kill else ''}")
    manage("migrate", "--noinput", "-v", "0", env=env)
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.newsletter", "--populate", str(size)],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    print(f"   built in {time.monotonic() - started:.1f} s")

    sink_log = workdir / f"sink-{size}.log"
    sink_log.unlink(missing_ok=True)
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.smtp_sink", str(smtp_port), str(sink_log)],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    sink.stdout.readline()  # "ready"
    worker_log = open(workdir / f"workers-{size}.log", "w")  # noqa: SIM115
    processes = [start_worker(env, worker_log) for _ in range(workers)]
    peaks: dict[int, int] = {}
    killed_at = None
    first_sent = last_sent = None
    try:
        while True:
            time.sleep(0.5)
            for process in processes:
                peaks[process.pid] = max(peaks.get(process.pid, 0), peak_memory_kib(process.pid))
            counts = dict(database.query(COUNT_BY_STATUS))
            sent = counts.get("sent", 0)
            now = time.monotonic()
            if sent and first_sent is None:
                first_sent = now
            if sent:
                last_sent = now
            if kill and killed_at is None and sent >= size // 2:
                victim = processes.pop(0)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed_at = sent
                print(f"   killed worker {victim.pid} (SIGKILL) at {sent:,} sent; restarting one")
                processes.append(start_worker(env, worker_log))
            [(status,)] = database.query("SELECT status FROM newsletter_issue")
            if status in ("sent", "cancelled"):
                break
            if first_sent and now - last_sent > 120:
                raise RuntimeError(f"no progress for two minutes: {counts}")
    finally:
        for process in processes:
            peaks[process.pid] = max(peaks.get(process.pid, 0), peak_memory_kib(process.pid))
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
        worker_log.close()

    counts = dict(database.query(COUNT_BY_STATUS))
    recipients, repeated_ids = sink_counts(sink_log)
    expected = {f"lettore{n:06d}@example.com" for n in range(size)}
    missing = len(expected - set(recipients))
    twice = sum(1 for count in recipients.values() if count > 1)
    strangers = len(set(recipients) - expected)
    elapsed = (last_sent - first_sent) if first_sent and last_sent else 0
    result = {
        "size": size,
        "status": status,
        "received": sum(recipients.values()),
        "missing": missing,
        "twice": twice,
        "strangers": strangers,
        "repeated_message_ids": repeated_ids,
        "rows": counts,
        "seconds": elapsed,
        "rate": counts.get("sent", 0) / elapsed if elapsed else 0,
        "peak_kib": max(peaks.values()),
        "peaks": peaks,
        "killed_at": killed_at,
    }
    print(
        f"   {result['received']:,} messages received in {elapsed:.1f} s: "
        f"{result['rate']:.0f} messages/s"
    )
    print(f"   delivery rows: {counts}; issue {status}")
    print(
        f"   exactly once: missing {missing}, received twice {twice}, unknown {strangers}, "
        f"repeated Message-IDs {repeated_ids}"
    )
    print(
        "   peak worker memory (VmHWM): "
        + ", ".join(f"{kib / 1024:.1f} MiB" for kib in peaks.values())
    )
    database.drop()
    return result


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate is not None:
        populate(args.populate)
        return 0

    base_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="rivista-bench-newsletter-") as tmp:
        workdir = Path(tmp)
        results = [
            run_size(
                size,
                workers=args.workers,
                kill=size == max(args.sizes),
                base_url=base_url,
                workdir=workdir,
            )
            for size in args.sizes
        ]
    small, large = results[0], results[-1]
    ratio = large["peak_kib"] / small["peak_kib"] if small["peak_kib"] else 0
    print(
        f"\n== peak worker memory {small['size']:,}: {small['peak_kib'] / 1024:.1f} MiB, "
        f"{large['size']:,}: {large['peak_kib'] / 1024:.1f} MiB (x{ratio:.2f}, budget x1.20)"
    )
    failed = [
        r["size"]
        for r in results
        if r["missing"] or r["twice"] or r["strangers"] or r["status"] != "sent"
        or r["rows"].get("sent", 0) != r["size"]
    ]  # fmt: skip
    if failed:
        print(f"FAILED exactly-once check at {failed}")
        return 1
    if ratio > 1.2:
        print("FAILED: memory grows with the number of subscribers")
        return 1
    print("OK: every subscriber received the issue exactly once; memory flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
