"""Load test: gunicorn with production settings on loopback, PostgreSQL, readers and commenters.

    make load                                    # 32 users for 60 s, DATABASE_URL's server
    DATABASE_URL=postgres://... REDIS_URL=redis://... make load
    .venv/bin/python -m bench.load --users 64 --commenters 16 --duration 120 --keep
    .venv/bin/python -m bench.load --page-cache compare   # off, then on: requests/s of each
    .venv/bin/python -m bench.load --rounds 3 --duration 20 \
        --variant now --variant 'two-threads:GUNICORN_THREADS=2'   # A/B, interleaved

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
stays as in production. Every user sends the Accept-Encoding of a browser (a kept page comes
gzipped, as stored); a commenter unzips a page only to read its form.

`--variant NAME:VAR=VALUE,...` runs gunicorn with that environment (threads, workers, the page
cache...) on the same database, each variant in turn for `--rounds` rounds, so that a busier
moment of a shared machine falls on all of them; a summary compares them. Each run prints the
latency of the readers' pages (the kept page), of the commenters' own pages (rendered for their
session) and of the posts apart, and where the machine's CPU went: gunicorn (with its CPU time
a request), the load generator itself, and the rest (PostgreSQL, Redis, anything else).

Afterwards it stops gunicorn and checks the database: every comment the server accepted is there
with its text, no other comment appeared, and the tree is valid (rebuild() changes nothing, no two
threads share a tree_id). It prints requests/s, p50/p95/p99 latency, status codes and errors,
and exits non-zero on any 5xx, connection error, run without a post or failed check. Not part
of the tests.
"""

import argparse
import gzip
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
# ARCHITECTURE's budget for this run on two cores, the load generator beside the server.
GOAL_RATE = 400
GOAL_READER_P99_MS = 150
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
        self.latency: dict[str, list[float]] = {"read": [], "own": [], "post": []}
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
        self,
        number,
        *,
        port,
        article,
        reply_to,
        deadline,
        stats,
        post_every,
        commenter=True,
        run_number=0,
    ):
        super().__init__(daemon=True)
        self.number = number
        self.port = port
        self.article = article
        self.reply_to = reply_to
        self.deadline = deadline
        self.stats = stats
        self.post_every = post_every
        self.run_number = run_number  # each run on the same database posts other texts
        self.rng = random.Random(run_number * 100_003 + number)
        self.cookies: dict[str, str] = {}
        self.form: tuple[float, str, str] | None = None  # (served at, csrf token, timestamp)
        self.next_post = (
            time.monotonic() + self.rng.uniform(MIN_FORM_AGE, 2 * post_every)
            if commenter
            else float("inf")  # a reader who only reads
        )
        self.posts = 0
        self.commenter = commenter
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Accept-Language": "it",
            # What a browser sends: a kept page comes as it was stored, gzipped.
            "Accept-Encoding": "gzip, deflate, br, zstd",
            **(headers or {}),
        }
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
        # A commenter's pages are their own (a session): counted apart from the readers'.
        kind = "own" if self.commenter and self.posts else "read"
        self.stats.record(kind, time.perf_counter() - started, response.status)
        if response.status == 200 and self.form is None and self.commenter:
            if response.getheader("Content-Encoding") == "gzip":
                content = gzip.decompress(content)  # only when the form is wanted
            html = content.decode("utf-8", "replace")
            csrf, timestamp = CSRF_FIELD.search(html), TIMESTAMP_FIELD.search(html)
            if csrf and timestamp:
                self.form = (time.monotonic(), csrf.group(1), timestamp.group(1))

    def post(self):
        _, csrf, timestamp = self.form
        self.form = None
        self.posts += 1
        text = f"{LOAD_BODY_PREFIX} {self.run_number}-{self.number}-{self.posts}: " + " ".join(
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


def cpu_seconds_of_machine() -> float:
    """CPU time the whole machine has been busy (every core, every process), in seconds."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of_tree(pid: int) -> float:
    """CPU time of a process, its live children and the children it has reaped (gunicorn's
    master and workers, a recycled worker's time included), in seconds."""

    def own(pid: int, reaped: bool) -> int:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except FileNotFoundError:
            return 0
        ticks = int(fields[11]) + int(fields[12])
        return ticks + (int(fields[13]) + int(fields[14]) if reaped else 0)

    total = own(pid, True)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rpartition(")")[2].split()[1])
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
            if parent == pid:
                total += own(int(entry), False)
    return total / os.sysconf("SC_CLK_TCK")


class Phase:
    """One stretch of load against one gunicorn configuration (a variant)."""

    def __init__(self, variant: str, stats: Stats, elapsed: float, cpu: dict):
        self.variant = variant
        self.stats = stats
        self.elapsed = elapsed
        self.cpu = cpu

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.stats.latency.values())

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.stats.statuses.items() if status >= 500)


def run_phase(args, article, env: dict, variant: str, workdir: Path, number: int) -> Phase:
    server = start_gunicorn(env, workdir / f"gunicorn-{len(os.listdir(workdir))}.log")
    stats = Stats()
    try:
        deadline = time.monotonic() + args.duration
        users = [
            User(
                n,
                port=int(env["PORT"]),
                article=article,
                reply_to=article["reply_to"],
                deadline=deadline,
                stats=stats,
                post_every=args.post_every,
                commenter=n < args.commenters,
                run_number=number,
            )
            for n in range(args.users)
        ]
        machine, server_cpu, own = (
            cpu_seconds_of_machine(),
            cpu_seconds_of_tree(server.pid),
            os.times(),
        )
        started = time.monotonic()
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
        after = os.times()
        cpu = {
            "machine": cpu_seconds_of_machine() - machine,
            "gunicorn": cpu_seconds_of_tree(server.pid) - server_cpu,
            "load generator": (after.user + after.system) - (own.user + own.system),
        }
    finally:
        stop_gunicorn(server)
    return Phase(variant, stats, elapsed, cpu)


def print_phase(phase: Phase, args) -> None:
    stats = phase.stats
    everything = [value for values in stats.latency.values() for value in values]
    print(
        f"[{phase.variant}] {args.users} users ({min(args.commenters, args.users)} commenting)"
        f" for {phase.elapsed:.0f} s: {phase.requests} requests ({phase.rate:.1f}/s)"
    )
    labels = {
        "all": "all",
        "read": "readers' pages",
        "own": "commenters' own pages",
        "post": "posts",
    }
    for name, values in (("all", everything), *stats.latency.items()):
        if values:
            print(
                f"  {labels[name]:22} {len(values):6}  p50 {percentile(values, 0.5) * 1000:7.1f} ms"
                f"  p95 {percentile(values, 0.95) * 1000:7.1f} ms"
                f"  p99 {percentile(values, 0.99) * 1000:7.1f} ms"
                f"  mean {statistics.fmean(values) * 1000:7.1f} ms"
            )
    print(
        "  statuses: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(stats.statuses.items()))
    )
    print(f"  5xx: {phase.server_errors}; connection errors: {dict(stats.errors) or 0}")
    machine = phase.cpu["machine"]
    rest = machine - phase.cpu["gunicorn"] - phase.cpu["load generator"]
    capacity = phase.elapsed * (os.cpu_count() or 1)
    print(
        f"  CPU: machine busy {machine / capacity:.0%} of {os.cpu_count()} cores; of that,"
        f" gunicorn {phase.cpu['gunicorn'] / machine:.0%}, the load generator"
        f" {phase.cpu['load generator'] / machine:.0%}, the rest (PostgreSQL, Redis, anything"
        f" else on the machine) {rest / machine:.0%}; gunicorn"
        f" {phase.cpu['gunicorn'] / phase.requests * 1000:.1f} ms a request"
    )


def parse_variant(text: str) -> tuple[str, dict]:
    """NAME or NAME:VAR=VALUE,VAR=VALUE: gunicorn's environment for one variant."""
    name, _, assignments = text.partition(":")
    overrides = {}
    for assignment in filter(None, assignments.split(",")):
        key, _, value = assignment.partition("=")
        overrides[key.strip()] = value.strip()
    return name, overrides


def ms(values: list[float], fraction: float) -> float:
    return percentile(values, fraction) * 1000


def summarize(phases: list[Phase]) -> None:
    print()
    print(
        "variant                    req/s (each round)     readers' p50/p99    own p99    post p99"
    )
    for variant in dict.fromkeys(phase.variant for phase in phases):
        mine = [phase for phase in phases if phase.variant == variant]
        pooled = {
            kind: [v for p in mine for v in p.stats.latency[kind]]
            for kind in ("read", "own", "post")
        }
        rates = ", ".join(f"{phase.rate:.1f}" for phase in mine)
        cpu_ms = sum(p.cpu["gunicorn"] for p in mine) / sum(p.requests for p in mine) * 1000
        print(
            f"{variant:26} {statistics.median(p.rate for p in mine):7.1f} ({rates})"
            f"  {ms(pooled['read'], 0.5):6.1f}/{ms(pooled['read'], 0.99):6.1f} ms"
            f"  {ms(pooled['own'], 0.99):7.1f} ms  {ms(pooled['post'], 0.99):7.1f} ms"
            f"  {cpu_ms:.2f} ms"
        )


def run_all(args, variants: list[tuple[str, dict]]) -> bool:
    """Build the database once, then each variant in turn for each round (interleaved, so a
    busier moment of the machine falls on all of them), then check the database. True if all
    went well."""
    database_url = load_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    workdir = Path(tempfile.mkdtemp(prefix="rivista-load-"))
    env = production_env(database_url, workdir, free_port(), args.workers)
    python = sys.executable
    print(f"database {urlsplit(database_url).path.lstrip('/')}, work files in {workdir}")
    print("cache: " + ("Redis " + env["REDIS_URL"] if env.get("REDIS_URL") else "local memory"))

    recreate_database(database_url)
    run([python, "manage.py", "migrate", "--noinput"], env)
    print("collecting static files (compressed, as in production)...")
    run([python, "manage.py", "collectstatic", "--noinput"], env)
    article = json.loads(run([python, "-m", "bench.load", "populate"], env).stdout.splitlines()[-1])
    print(f"article {article['url']} with {COMMENTS} approved comments")

    phases = []
    for round_number in range(args.rounds):
        for name, overrides in variants:
            phase_env = {**env, **overrides, "PORT": str(free_port())}
            print()
            if args.rounds > 1:
                print(f"round {round_number + 1}/{args.rounds}, {name}")
            print(
                "gunicorn: "
                + (", ".join(f"{k}={v}" for k, v in overrides.items()) or "config/gunicorn.conf.py")
                + "; page cache for anonymous readers: "
                + ("off" if phase_env.get("PAGE_CACHE_ENABLED") == "false" else "on")
            )
            phase = run_phase(args, article, phase_env, name, workdir, len(phases))
            print_phase(phase, args)
            phases.append(phase)

    posted_path = workdir / "posted.json"
    posted_path.write_text(json.dumps([pair for p in phases for pair in p.stats.posted]))
    checked = json.loads(
        run([python, "-m", "bench.load", "verify", str(posted_path)], env).stdout.splitlines()[-1]
    )
    if not args.keep:
        drop_database(database_url)
    if len(phases) > 1:
        summarize(phases)
    print()
    print(
        f"comments accepted: {checked['posted']}, in the database: {checked['stored']},"
        f" missing: {checked['missing'] or 0}, unexpected: {checked['unexpected'] or 0}"
    )
    print(
        f"tree valid: rebuild() unchanged {checked['rebuild_unchanged']}, tree_ids unique"
        f" {checked['tree_ids_unique']} ({checked['comments_total']} comments)"
    )
    failed = bool(
        any(phase.server_errors or phase.stats.errors for phase in phases)
        or checked["missing"]
        or checked["unexpected"]
        or not checked["rebuild_unchanged"]
        or not checked["tree_ids_unique"]
        or (args.commenters and not all(phase.stats.latency["post"] for phase in phases))
    )
    for variant in dict.fromkeys(phase.variant for phase in phases):
        mine = [phase for phase in phases if phase.variant == variant]
        rate = statistics.median(phase.rate for phase in mine)
        p99 = ms([v for phase in mine for v in phase.stats.latency["read"]], 0.99)
        met = rate >= GOAL_RATE and p99 < GOAL_READER_P99_MS
        print(
            f"[{variant}] {rate:.1f} requests/s, readers' p99 {p99:.1f} ms: goal ({GOAL_RATE}"
            f" requests/s, readers' p99 under {GOAL_READER_P99_MS} ms)"
            + (" met" if met else " not met")
        )
    print("FAILED" if failed else "OK")
    if args.page_cache == "compare":
        without, with_cache = (
            statistics.median(p.rate for p in phases if p.variant == name)
            for name in ("no page cache", "page cache")
        )
        print(
            f"requests/s without the page cache {without:.1f}, with it {with_cache:.1f}:"
            f" {with_cache / without:.1f}x (target >= 5x)"
        )
    return not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument(
        "--commenters", type=int, help="how many of the users comment (default: a quarter)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each run")
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
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME[:VAR=VALUE,...]",
        help="a gunicorn configuration to compare, by its environment (e.g."
        " 'threads8:GUNICORN_THREADS=8'); repeat it: each runs in turn, on the same database",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="how many times each variant runs, interleaved"
    )
    args = parser.parse_args()
    if args.commenters is None:
        args.commenters = max(1, args.users // 4)

    variants = [parse_variant(text) for text in args.variant]
    if args.page_cache == "compare":
        variants = [
            ("no page cache", {"PAGE_CACHE_ENABLED": "false"}),
            ("page cache", {"PAGE_CACHE_ENABLED": "true"}),
        ]
    elif not variants:
        name = "page cache" if args.page_cache == "on" else "no page cache"
        variants = [(name, {"PAGE_CACHE_ENABLED": "true" if args.page_cache == "on" else "false"})]
    return 0 if run_all(args, variants) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "populate":
        populate()
    elif len(sys.argv) > 2 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit(main())
