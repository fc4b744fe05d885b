"""Comment pages: does a page cost the same with 1,000 or 20,000 comments in the discussion?

    make bench-pages            # SQLite in a temporary file
    DATABASE_URL=postgres://... make bench-pages

Builds two articles (1,000 and 20,000 approved comments, the shapes of bench.comments: 30%
thread roots, replies down to the maximum depth, ~300-character bodies) and prints, for the
first page, a middle page and the last page in each order: queries, cold and warm times
(wall-time medians and least CPU time, full request cycle) and the page size. With the whole
tree on one page instead, 20,000 comments made one page of about 17 MB.
"""

import os
import random
import sys
import time

os.environ["BENCH_PAGE_COMMENTS"] = "1"

from bench.comments import build_comments, cold_get, median_ms, setup_django

SIZES = (1_000, 20_000)
COLD_REPEAT = int(os.environ.get("BENCH_COLD_REPEAT", "9"))


def cpu_ms(action, repeat: int) -> float:
    """The least CPU time of `repeat` runs: SQLite runs in this process, so it is the page's whole
    cost, and other processes on a shared machine do not add to it as they do to wall time."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        samples.append((time.process_time() - start) * 1000)
    return min(samples)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from blog.models import Article
    from comments import discussion
    from tests.factories import make_article

    # Warm means rendered from the cached fragments: a page kept whole for anonymous readers
    # (core.page_cache, measured by `make bench`) would cost the same at any size.
    settings.PAGE_CACHE_ENABLED = False
    rng = random.Random(20261203)
    reader = Client()
    per_page = discussion.current().threads_per_page
    print(f"Database: {connection.vendor}. Building articles…", file=sys.stderr)
    rows = []
    for size in SIZES:
        Article.objects.filter(slug=f"pages-{size}").delete()  # a database kept from a last run
        article = make_article(title=f"Discussione con {size} commenti", slug=f"pages-{size}")
        build_comments(article, size, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does after a bulk load
                cursor.execute("ANALYZE comments_comment")
        roots = max(1, round(size * 0.3))
        last = -(-roots // per_page)
        for label, query in (
            ("first", ""),
            ("middle", f"?pagina={last // 2}"),
            ("last", f"?pagina={last}"),
            ("newest", "?ordine=newest"),
            ("replies", "?ordine=replies"),
        ):
            url = article.get_absolute_url() + query

            def cold(url=url):
                return cold_get(reader, url)

            with CaptureQueriesContext(connection) as queries:
                page = cold()
            count = len(queries.captured_queries)
            cold_ms = median_ms(cold, COLD_REPEAT)
            cold_best = cpu_ms(cold, COLD_REPEAT)
            reader.get(url)
            warm_ms = median_ms(lambda url=url: reader.get(url), 15)
            shown = page.text.count('class="comment ')
            rows.append((size, label, count, cold_ms, cold_best, warm_ms, shown, len(page.content)))
        print(f"  {size:>6} comments done", file=sys.stderr)

    print()
    print(f"Comment pages, {per_page} threads a page ({connection.vendor}, medians, ms)")
    header = (
        f"{'N':>7} {'page':>8} {'queries':>7} {'cold':>8} {'cpu':>7} {'warm':>7} {'comments':>8} "
        f"{'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for size, label, count, cold_ms, cold_best, warm_ms, shown, nbytes in rows:
        print(
            f"{size:>7} {label:>8} {count:>7} {cold_ms:>8.1f} {cold_best:>7.1f} {warm_ms:>7.2f} "
            f"{shown:>8} {nbytes / 1024:>6.0f}"
        )
    first = {
        size: (cold_best, nbytes)
        for size, label, _, _, cold_best, _, _, nbytes in rows
        if label == "first"
    }
    small, big = first[SIZES[0]], first[SIZES[1]]
    print()
    print(
        f"First page, {SIZES[1]:,} vs {SIZES[0]:,} comments: cold {big[0] / small[0]:.2f}x (CPU, "
        f"least of {COLD_REPEAT}: wall time is noisy on a shared machine), size "
        f"{big[1] / small[1]:.2f}x (target: within 1.5x)"
    )


if __name__ == "__main__":
    main()
