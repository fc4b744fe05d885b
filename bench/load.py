"""Load test: gunicorn with production settings on loopback, PostgreSQL, readers and commenters.

    make load                                    # 32 users for 60 s, DATABASE_URL's server
    DATABASE_URL=postgres://... REDIS_URL=redis://... make load
    .venv/bin/python -m bench.load --users 64 --commenters 16 --duration 120 --keep
    .venv/bin/python -m bench.load --page-cache compare   # off, then on: requests/s of each

It creates a fresh database next to DATABASE_URL's (its name + "_load"), migrates it, collects the
static files, builds an article with 1,000 approved comments (30% roots, replies down to the
maximum depth, ~300-character bodies), starts gunicorn (config/gunicorn.conf.py, DJANGO_ENV=
production, every middleware) on a free loopback port and lets the users loose: each one reads
the article page over a kept-alive connection, and the commenters among them (a quarter by
default, as readers outnumber commenters) every few seconds post a comment or a reply with the
form they were served (CSRF cookie and token, the signed timestamp at least 3.5 s old, as a
person would). A commenter then has a session (their held or still editable comment shows), so
their pages are their own; the others are served the page kept for anonymous readers
(core.page_cache) unless `--page-cache off`. The per-IP comment rate limit is lifted for the
run (every user is 127.0.0.1); everything else, the minimum time to fill the form included,
stays as in production.

Afterwards it stops gunicorn and checks the database: every comment the server accepted is there
with its text, no other comment appeared, and the tree is valid (rebuild() changes nothing, no two
threads share a tree_id). It prints requests/s, p50/p95/p99 latency, status codes and errors,
and exits non-zero on any 5xx, connection error or failed check. Not part of the tests.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://rivista:rivista@127.0.0.1:5432/rivista"
COMMENTS = 1_000
MIN_FORM_AGE = 3.5  # seconds; the site refuses forms sent back sooner than COMMENTS_MIN_SECONDS
LOAD_BODY_PREFIX = "Commento di carico"
WORDS = ["lettura", "notizia", "fonte", "dato", "verifica", "inchiesta", "città", "scuola"]

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP_FIELD = re.compile(r'name="timestamp" value="([^"]+)"')
COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")


# The orchestration (no Django in this process).


def load_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("bench.load needs PostgreSQL: set DATABASE_URL=postgres://user:pass@host/db")
    name = parts.path.lstrip("/") or "rivista"
    return urlunsplit(parts._replace(path=f"/{name}_load"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, workdir: Path, port: int, workers: int | None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")
    }
    env.update(
        IGNORE_DOTENV="1",
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        # Production refuses a loopback SITE_URL; links are built on this public-looking one,
        # which the server then also answers to (SiteUrlMiddleware rewrites the Host to it).
        ALLOWED_HOSTS="127.0.0.1,rivista.example",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; a proxy would terminate TLS
        SITE_URL="http://rivista.example",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        COMMENTS_RATE_LIMIT=str(10**9),  # every user is 127.0.0.1
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="WARNING",
    )
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        args, cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def start_gunicorn(env: dict, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our arguments
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited at start, see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", int(env["PORT"]), timeout=5)
            connection.request("GET", "/robots.txt")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer within 60 s, see {log_path}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


# The users.


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {"read": [], "post": []}
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.posted: list[tuple[int, str]] = []

    def record(self, kind: str, seconds: float, status: int):
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[(kind, status)] += 1


class User(threading.Thread):
    """A reader who sometimes comments: one kept-alive connection, its own cookies."""

    def __init__(
        self, number, *, port, article, reply_to, deadline, stats, post_every, commenter=True
    ):
        super().__init__(daemon=True)
        self.number = number
        self.port = port
        self.article = article
        self.reply_to = reply_to
        self.deadline = deadline
        self.stats = stats
        self.post_every = post_every
        self.rng = random.Random(number)
        self.cookies: dict[str, str] = {}
        self.form: tuple[float, str, str] | None = None  # (served at, csrf token, timestamp)
        self.next_post = (
            time.monotonic() + self.rng.uniform(MIN_FORM_AGE, 2 * post_every)
            if commenter
            else float("inf")  # a reader who only reads
        )
        self.posts = 0
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "it", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed (worker recycled): reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2 or method == "POST":
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response, content

    def read(self):
        started = time.perf_counter()
        response, content = self.request("GET", self.article["url"])
        self.stats.record("read", time.perf_counter() - started, response.status)
        if response.status == 200 and self.form is None:
            html = content.decode("utf-8", "replace")
            csrf, timestamp = CSRF_FIELD.search(html), TIMESTAMP_FIELD.search(html)
            if csrf and timestamp:
                self.form = (time.monotonic(), csrf.group(1), timestamp.group(1))

    def post(self):
        _, csrf, timestamp = self.form
        self.form = None
        self.posts += 1
        text = f"{LOAD_BODY_PREFIX} {self.number}-{self.posts}: " + " ".join(
            self.rng.choice(WORDS) for _ in range(self.rng.randint(5, 40))
        )
        parent = str(self.rng.choice(self.reply_to)) if self.rng.random() < 0.5 else ""
        fields = {
            "csrfmiddlewaretoken": csrf,
            "author_name": f"Utente {self.number}",
            "author_email": f"utente{self.number}@example.com",
            "author_url": "",
            "body": text,
            "parent": parent,
            "timestamp": timestamp,
            "website_confirm": "",
        }
        started = time.perf_counter()
        response, _ = self.request(
            "POST",
            self.article["post_url"],
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.stats.record("post", time.perf_counter() - started, response.status)
        anchor = COMMENT_ANCHOR.search(response.getheader("Location") or "")
        if response.status == 302 and anchor:
            with self.stats.lock:
                self.stats.posted.append((int(anchor.group(1)), text))

    def run(self):
        while time.monotonic() < self.deadline:
            try:
                ready = self.form and time.monotonic() - self.form[0] >= MIN_FORM_AGE
                if ready and time.monotonic() >= self.next_post:
                    self.post()
                    self.next_post = time.monotonic() + self.rng.uniform(0, 2 * self.post_every)
                else:
                    self.read()
            except Exception as error:  # Every failure is counted and shown.
                with self.stats.lock:
                    self.stats.errors[type(error).__name__] += 1
                if self.connection is not None:
                    self.connection.close()
                    self.connection = None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


# The Django side, run in subprocesses with the production environment.


def populate() -> None:
    import datetime

    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    from bench.comments import build_comments
    from blog.models import Article, Author
    from comments.models import Comment

    author = Author.objects.create(display_name="Redazione", slug="redazione")
    article = Article.objects.create(
        title="Mille commenti",
        slug="mille-commenti",
        author=author,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
        lead="Un articolo molto discusso.",
        body="<p>" + "Testo dell'articolo. " * 200 + "</p>",
    )
    build_comments(article, COMMENTS, random.Random(2026))
    reply_to = list(
        Comment.objects.filter(article=article, level__lt=3).values_list("pk", flat=True)
    )
    print(
        json.dumps(
            {
                "id": article.pk,
                "url": article.get_absolute_url(),
                "post_url": reverse("comments:post", args=[article.pk]),
                "reply_to": reply_to,
            }
        )
    )


def verify(posted_path: str) -> None:
    import django

    django.setup()
    from django.db import transaction

    from comments.models import Comment

    posted = {pk: text for pk, text in json.loads(Path(posted_path).read_text())}
    stored = dict(
        Comment.objects.filter(body__startswith=LOAD_BODY_PREFIX).values_list("pk", "body")
    )
    missing = [pk for pk, text in posted.items() if stored.get(pk) != text]
    unexpected = sorted(set(stored) - set(posted))

    def snapshot():
        return list(
            Comment.objects.order_by("pk").values_list(
                "pk", "tree_id", "lft", "rght", "level", "parent_id"
            )
        )

    before = snapshot()
    with transaction.atomic():
        Comment.objects.rebuild()
        rebuilt = snapshot()
        transaction.set_rollback(True)
    roots = Comment.objects.filter(parent__isnull=True)
    print(
        json.dumps(
            {
                "posted": len(posted),
                "stored": len(stored),
                "missing": missing[:20],
                "unexpected": unexpected[:20],
                "rebuild_unchanged": before == rebuilt,
                "tree_ids_unique": roots.values("tree_id").distinct().count() == roots.count(),
                "comments_total": len(before),
            }
        )
    )


def run_once(args, *, page_cache: bool) -> tuple[float, bool]:
    """One run on a fresh database: prints its figures, returns (requests/s, failed)."""
    database_url = load_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    workdir = Path(tempfile.mkdtemp(prefix="rivista-load-"))
    port = free_port()
    env = production_env(database_url, workdir, port, args.workers)
    env["PAGE_CACHE_ENABLED"] = "true" if page_cache else "false"
    python = sys.executable
    print(f"database {urlsplit(database_url).path.lstrip('/')}, work files in {workdir}")
    print("cache: " + ("Redis " + env["REDIS_URL"] if env.get("REDIS_URL") else "local memory"))
    print("page cache for anonymous readers: " + ("on" if page_cache else "off"))

    recreate_database(database_url)
    run([python, "manage.py", "migrate", "--noinput"], env)
    print("collecting static files (compressed, as in production)...")
    run([python, "manage.py", "collectstatic", "--noinput"], env)
    article = json.loads(run([python, "-m", "bench.load", "populate"], env).stdout.splitlines()[-1])
    print(f"article {article['url']} with {COMMENTS} approved comments")

    server = start_gunicorn(env, workdir / "gunicorn.log")
    stats = Stats()
    try:
        deadline = time.monotonic() + args.duration
        users = [
            User(
                n,
                port=port,
                article=article,
                reply_to=article["reply_to"],
                deadline=deadline,
                stats=stats,
                post_every=args.post_every,
                commenter=n < args.commenters,
            )
            for n in range(args.users)
        ]
        started = time.monotonic()
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
    finally:
        stop_gunicorn(server)

    posted_path = workdir / "posted.json"
    posted_path.write_text(json.dumps(stats.posted))
    checked = json.loads(
        run([python, "-m", "bench.load", "verify", str(posted_path)], env).stdout.splitlines()[-1]
    )
    if not args.keep:
        drop_database(database_url)

    reads, posts = stats.latency["read"], stats.latency["post"]
    everything = reads + posts
    server_errors = sum(n for (_, status), n in stats.statuses.items() if status >= 500)
    print()
    print(
        f"{args.users} users ({min(args.commenters, args.users)} commenting) for {elapsed:.0f} s"
        f" against gunicorn on 127.0.0.1:{port}"
    )
    print(f"requests: {len(everything)} ({len(everything) / elapsed:.1f}/s)")
    for name, values in (("all", everything), ("read", reads), ("post", posts)):
        if values:
            print(
                f"  {name:5} {len(values):6}  p50 {percentile(values, 0.5) * 1000:7.1f} ms"
                f"  p95 {percentile(values, 0.95) * 1000:7.1f} ms"
                f"  p99 {percentile(values, 0.99) * 1000:7.1f} ms"
                f"  mean {statistics.fmean(values) * 1000:7.1f} ms"
            )
    print("statuses: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(stats.statuses.items())))
    print(f"5xx: {server_errors}; connection errors: {dict(stats.errors) or 0}")
    print(
        f"comments accepted: {checked['posted']}, in the database: {checked['stored']},"
        f" missing: {checked['missing'] or 0}, unexpected: {checked['unexpected'] or 0}"
    )
    print(
        f"tree valid: rebuild() unchanged {checked['rebuild_unchanged']}, tree_ids unique"
        f" {checked['tree_ids_unique']} ({checked['comments_total']} comments)"
    )
    failed = bool(
        server_errors
        or stats.errors
        or checked["missing"]
        or checked["unexpected"]
        or not checked["rebuild_unchanged"]
        or not checked["tree_ids_unique"]
        or (args.commenters and not posts)
    )
    print("FAILED" if failed else "OK")
    return len(everything) / elapsed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument(
        "--commenters", type=int, help="how many of the users comment (default: a quarter)"
    )
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--post-every", type=float, default=5.0, help="mean seconds between a user's posts"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--page-cache",
        choices=("on", "off", "compare"),
        default="on",
        help="the page cache for anonymous readers; compare: a run without, then one with it",
    )
    args = parser.parse_args()
    if args.commenters is None:
        args.commenters = max(1, args.users // 4)

    if args.page_cache != "compare":
        return int(run_once(args, page_cache=args.page_cache == "on")[1])
    without, failed_without = run_once(args, page_cache=False)
    print()
    with_cache, failed_with = run_once(args, page_cache=True)
    print()
    print(
        f"requests/s without the page cache {without:.1f}, with it {with_cache:.1f}:"
        f" {with_cache / without:.1f}x (target >= 5x)"
    )
    return int(failed_without or failed_with)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "populate":
        populate()
    elif len(sys.argv) > 2 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit(main())
