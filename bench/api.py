"""The API's discussion endpoint: does a page of comments cost the same with 1,000 or 20,000
comments in the discussion?

    make bench-api            # SQLite in a temporary file
    DATABASE_URL=postgres://... make bench-api

Builds two articles (1,000 and 20,000 approved comments, the shapes of bench.comments) and
prints, for GET /api/v1/articles/<id>/comments/ (first page, last page, newest first): queries,
cold time with every cache empty (wall-time median and least CPU time, full request cycle),
warm time rendered from the site's cached comment pages (the page cache off), kept time (the
answer kept whole for anonymous readers, core.page_cache), both the least of 15 runs, and the
answer's size.
"""

import os
import random
import sys
import time

os.environ["BENCH_PAGE_COMMENTS"] = "1"

from bench.comment_pages import cpu_ms
from bench.comments import build_comments, cold_get, median_ms, setup_django

SIZES = (1_000, 20_000)
COLD_REPEAT = int(os.environ.get("BENCH_COLD_REPEAT", "9"))


def least_ms(action, repeat: int) -> float:
    """The least wall time of `repeat` runs: what a request costs when nothing else runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples)


def _measure(reader, url: str, settings) -> tuple:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False

    def cold():
        return cold_get(reader, url)

    with CaptureQueriesContext(connection) as queries:
        answer = cold()
    count = len(queries)  # now: the next request empties the log it reads
    cold_ms = median_ms(cold, COLD_REPEAT)
    cold_cpu = cpu_ms(cold, COLD_REPEAT)
    reader.get(url)
    warm_ms = least_ms(lambda: reader.get(url), 15)
    settings.PAGE_CACHE_ENABLED = True
    reader.get(url)
    kept_ms = least_ms(lambda: reader.get(url), 15)
    results = len(answer.json()["results"])
    return count, cold_ms, cold_cpu, warm_ms, kept_ms, results, len(answer.content)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from blog.models import Article
    from comments import discussion
    from tests.factories import make_article

    rng = random.Random(20261207)
    reader = Client(HTTP_ACCEPT_ENCODING="identity")
    per_page = discussion.current().threads_per_page
    print(f"Database: {connection.vendor}. Building articles…", file=sys.stderr)
    rows = []
    for size in SIZES:
        Article.objects.filter(slug=f"api-{size}").delete()  # a database kept from a last run
        article = make_article(title=f"Discussione con {size} commenti", slug=f"api-{size}")
        build_comments(article, size, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does after a bulk load
                cursor.execute("ANALYZE comments_comment")
        last = -(-max(1, round(size * 0.3)) // per_page)
        path = f"/api/v1/articles/{article.pk}/comments/"
        for label, query in (("first", ""), ("last", f"?page={last}"), ("newest", "?order=newest")):
            rows.append((size, label, *_measure(reader, path + query, settings)))
        print(f"  {size:>6} comments done", file=sys.stderr)

    print()
    print(
        f"API discussion pages, {per_page} threads a page ({connection.vendor}, ms: cold the "
        "median, cpu its least CPU time, warm and kept the least of 15)"
    )
    header = (
        f"{'N':>7} {'page':>7} {'queries':>7} {'cold':>8} {'cpu':>7} {'warm':>7} {'kept':>6} "
        f"{'comments':>8} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for size, label, count, cold_ms, cold_cpu, warm_ms, kept_ms, shown, nbytes in rows:
        print(
            f"{size:>7} {label:>7} {count:>7} {cold_ms:>8.1f} {cold_cpu:>7.1f} {warm_ms:>7.2f} "
            f"{kept_ms:>6.2f} {shown:>8} {nbytes / 1024:>6.0f}"
        )
    first = {row[0]: row for row in rows if row[1] == "first"}
    small, big = first[SIZES[0]], first[SIZES[1]]
    print()
    print(
        f"First page, {SIZES[1]:,} vs {SIZES[0]:,} comments: cold {big[4] / small[4]:.2f}x "
        f"(CPU, least of {COLD_REPEAT}), warm {big[5] / small[5]:.2f}x, kept "
        f"{big[6] / small[6]:.2f}x (target: within 1.5x)"
    )


if __name__ == "__main__":
    main()
