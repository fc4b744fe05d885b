"""Readership beacon benchmark: gunicorn with production settings, Redis, beacons as fast as
the client processes can send them, then one fold and a check that the rows hold every count.

    make bench-readership
    REDIS_URL=redis://127.0.0.1:6390/14 .venv/bin/python -m bench.readership --beacons 30000

It migrates a fresh SQLite database in a temporary folder (the beacon never touches it; the
fold does), adds 50 articles, starts gunicorn (config/gunicorn.conf.py, DJANGO_ENV=production,
every middleware, one proxy trusted so each simulated reader has an address of their own) and
sends view beacons from several processes over kept-alive connections: 1,000 readers (address
and browser), each reading articles at random. The cache keys get a prefix of their own, so
the run shares Redis with nothing. Then it folds, as the worker does each minute, and compares:
the article views, the site's views and the site's visitors folded must equal what was sent.
It prints beacons/s, p50/p95/p99 latency and the check, and exits non-zero on a failed check,
an answer other than 204, or beacons/s under 1,000 or p99 over 20 ms. Not part of the tests.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.load import free_port, production_env, run, start_gunicorn, stop_gunicorn

BASE_DIR = Path(__file__).resolve().parent.parent
ARTICLES = 50
READERS = 1000
BROWSERS = [
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0 "
    "Safari/537.36"
    for v in range(120, 140)
]


def reader(number: int) -> tuple[str, str]:
    return f"10.{number // 250}.{number % 250}.7", BROWSERS[number % len(BROWSERS)]


def send(port: int, article_ids: list[int], count: int, seed: int, results) -> None:
    """One client thread: `count` beacons over one kept-alive connection."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, statuses, sent = [], {}, []
    for _ in range(count):
        number = rng.randrange(READERS)
        address, browser = reader(number)
        article = rng.choice(article_ids)
        body = urlencode({"k": "article", "i": article, "r": "example.org"})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
            "User-Agent": browser,
            "X-Forwarded-For": address,
            "Host": "rivista.example",
        }
        started = time.perf_counter()
        try:
            connection.request("POST", "/r/v", body, headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status = 0
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 204:
            sent.append(number)
    results.put((latencies, statuses, sent))


def client_process(port, article_ids, count, threads, seed, results) -> None:
    import threading

    workers = [
        threading.Thread(
            target=send, args=(port, article_ids, count // threads, seed * 100 + t, results)
        )
        for t in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


POPULATE = """
from tests.factories import make_article
print(",".join(str(make_article().pk) for _ in range({n})))
"""
FOLD_AND_COUNT = """
from django.db.models import Sum
from readership.fold import fold
from readership.models import DailyCount
fold()
articles = DailyCount.objects.filter(kind="article").aggregate(v=Sum("views"))["v"] or 0
site = DailyCount.objects.filter(kind="site").aggregate(v=Sum("views"), u=Sum("visitors"))
print(articles, site["v"] or 0, site["u"] or 0)
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beacons", type=int, default=30_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="connections per process")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-readership-"))
    env = production_env(f"sqlite:///{workdir / 'db.sqlite3'}", workdir, free_port(), args.workers)
    env.update(
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/14"),
        CACHE_KEY_PREFIX=f"bench-readership-{secrets.token_hex(4)}",
        TRUSTED_PROXY_COUNT="1",
    )
    env.pop("WEB_CONCURRENCY", None)
    env["WEB_CONCURRENCY"] = str(args.workers)
    python = sys.executable
    run([python, "manage.py", "migrate", "--noinput"], env)
    shell = [python, "manage.py", "shell", "--no-imports", "-c"]
    article_ids = [
        int(pk) for pk in run([*shell, POPULATE.format(n=ARTICLES)], env).stdout.split(",")
    ]
    server = start_gunicorn(env, workdir / "gunicorn.log")
    try:
        results = multiprocessing.Queue()
        per_process = args.beacons // args.processes
        clients = [
            multiprocessing.Process(
                target=client_process,
                args=(int(env["PORT"]), article_ids, per_process, args.threads, p, results),
            )
            for p in range(args.processes)
        ]
        started = time.perf_counter()
        for client in clients:
            client.start()
        gathered = [results.get() for _ in range(args.processes * args.threads)]
        elapsed = time.perf_counter() - started
        for client in clients:
            client.join()
    finally:
        stop_gunicorn(server)
    latencies = [seconds for part in gathered for seconds in part[0]]
    statuses: dict = {}
    for part in gathered:
        for status, count in part[1].items():
            statuses[status] = statuses.get(status, 0) + count
    readers = {number for part in gathered for number in part[2]}
    accepted = statuses.get(204, 0)
    folded_articles, folded_site, folded_visitors = (
        int(value) for value in run([*shell, FOLD_AND_COUNT], env).stdout.split()
    )
    rate = len(latencies) / elapsed
    p50, p95 = statistics.median(latencies) * 1000, percentile(latencies, 0.95) * 1000
    p99 = percentile(latencies, 0.99) * 1000
    print(
        f"{len(latencies)} beacons in {elapsed:.1f} s: {rate:,.0f}/s; latency ms "
        f"p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f}; answers {statuses}"
    )
    print(
        f"folded: article views {folded_articles}, site views {folded_site}, site visitors "
        f"{folded_visitors}; sent: {accepted} views from {len(readers)} readers"
    )
    counts_ok = folded_articles == folded_site == accepted and folded_visitors == len(readers)
    print("counts " + ("equal" if counts_ok else "DIFFER") + f"; results in {workdir}")
    fast = rate >= 1000 and p99 < 20
    return 0 if counts_ok and fast and accepted == len(latencies) else 1


if __name__ == "__main__":
    sys.exit(main())
