"""Article pages with many comments: queries, render times and posting cost.

    make bench            # SQLite in a temporary file
    DATABASE_URL=postgres://... make bench

Builds articles with 0, 10, 100, 1,000 and 10,000 approved comments (30% roots, replies down to
the maximum depth, ~300-character bodies) and prints one table. Times are medians of several
runs through Django's full request cycle (test client, all middleware, DEBUG off). These
machines are noisy: read the ratios, not the absolute numbers.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.tree_shape import SEED, body, tree_shape

SIZES = (0, 10, 100, 1_000, 10_000)


def relax_comment_rules(settings) -> None:
    """Benchmarks post many comments at once: no bot, rate or duplicate checks, approved
    straight away, no notification email."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 10**9
    settings.COMMENTS_DUPLICATE_CHECK = False
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    settings.COMMENTS_NOTIFY_MODERATORS = False
    settings.COMMENTS_NOTIFY_AUTHORS = False


def setup_django() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="rivista-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DEBUG"] = "false"
    os.environ["IGNORE_DOTENV"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls"
    relax_comment_rules(settings)
    # The budgets below are for the whole tree on one page (bench.comment_pages measures pages).
    settings.COMMENTS_PAGE_COMMENTS = os.environ.get("BENCH_PAGE_COMMENTS") == "1"
    call_command("migrate", verbosity=0)
    return workdir


def build_comments(article, count: int, rng: random.Random) -> None:
    """Insert `count` approved comments as valid nested sets in bulk, as new threads.

    The shape is bench.tree_shape's (shared with bench.xtd_site).
    """
    from django.db.models import Max
    from django.utils import timezone

    from comments import discussion
    from comments.counts import counts_rebuild
    from comments.identity import commenter_key
    from comments.models import Comment, avatar_colour_for
    from core.sanitizer import render_comment_text

    if count <= 0:
        return
    first_tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    max_level = discussion.max_depth() - 1
    shape = tree_shape(count, rng, max_level)
    roots, parent_of, levels, children = shape.roots, shape.parent_of, shape.levels, shape.children

    objects: dict[int, Comment] = {}
    now = timezone.now()
    for i in range(count):
        name = f"Lettore {i}"
        text = body(rng)
        objects[i] = Comment(
            article=article, author_name=name, author_email=f"lettore{i}@example.com",
            body=text, body_html=render_comment_text(text), status=Comment.Status.APPROVED,
            avatar_colour=avatar_colour_for(f"lettore{i}@example.com"), level=levels[i],
            commenter=commenter_key(user_id=None, email=f"lettore{i}@example.com"),
            created=now, updated=now,
        )  # fmt: skip

    tree_id = first_tree_id
    for root in range(roots):
        counter = 1
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                objects[node].rght = counter
                counter += 1
                continue
            objects[node].lft = counter
            objects[node].tree_id = tree_id
            counter += 1
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children[node]))
        tree_id += 1

    # Parents first, so each child can point at a saved row.
    ordered = sorted(objects, key=lambda i: levels[i])
    for level in range(max_level + 1):
        batch = [objects[i] for i in ordered if levels[i] == level]
        for i in (i for i in ordered if levels[i] == level):
            if parent_of[i] is not None:
                objects[i].parent = objects[parent_of[i]]
        Comment.objects.bulk_create(batch, batch_size=2000)
    counts_rebuild(
        article_ids=[article.pk]
    )  # bulk_create passes no service: recount (as imports do)


def timed_posts(article, post_url: str, repeat: int, rng, *, max_level: int = 99) -> float:
    """Median ms to post a reply through the real form view; only the POST is timed (the
    form data, a random parent among them, is prepared beforehand)."""
    from django.test import Client

    from comments.forms import signed_timestamp
    from comments.models import Comment

    parents = list(
        Comment.objects.filter(article=article, level__lt=max_level).values_list("pk", flat=True)
    ) or [""]
    samples = []
    for _ in range(repeat):
        data = {
            "author_name": "Misura", "author_email": f"m{rng.random()}@example.com",
            "author_url": "", "body": body(rng), "timestamp": signed_timestamp(article.pk),
            "parent": rng.choice(parents), "website_confirm": "",
        }  # fmt: skip
        client = Client()
        start = time.perf_counter()
        response = client.post(post_url, data)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    return statistics.median(samples)


def cold_get(reader, url: str):
    """The page with every cache empty, as after a deploy: asserted to answer 200."""
    from django.core.cache import cache

    cache.clear()
    response = reader.get(url)
    assert response.status_code == 200, response.status_code
    return response


WARM_TURNS = 120


def warm_taking_turns(reader, empty_url: str, full_url: str) -> tuple[float, float]:
    """Median CPU ms of the warm render (page cache off, fragments and comment pages cached) of
    two pages, one request of each in turn: a burst of load on the machine weighs on both
    alike, which two medians taken a minute apart cannot promise."""
    from django.conf import settings

    settings.PAGE_CACHE_ENABLED = False
    samples = {empty_url: [], full_url: []}
    try:
        for url in samples:
            reader.get(url)
        for _ in range(WARM_TURNS):
            for url, taken in samples.items():
                start = time.process_time()
                reader.get(url)
                taken.append((time.process_time() - start) * 1000)
    finally:
        settings.PAGE_CACHE_ENABLED = True
    return statistics.median(samples[empty_url]), statistics.median(samples[full_url])


def median_ms(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.urls import BARE_PAGES
    from comments import conf
    from comments.models import Comment
    from comments.services import comment_post
    from tests.factories import make_article

    rng = random.Random(SEED)
    reader = Client()
    # Posting cost as the rest of the site grows: first with 100 comments elsewhere...
    target = make_article(title="Articolo di misura", slug="bench-target")
    build_comments(target, 50, rng)
    elsewhere = make_article(title="Altrove", slug="bench-elsewhere")
    build_comments(elsewhere, 100, rng)
    target_url = reverse("comments:post", args=[target.pk])
    small_site = Comment.objects.exclude(article=target).count()
    post_small = timed_posts(target, target_url, 15, rng, max_level=3)

    rows = []
    urls = {}
    print(f"Database: {connection.vendor}. Building articles…", file=sys.stderr)
    for size in SIZES:
        article = make_article(title=f"Articolo con {size} commenti", slug=f"bench-{size}")
        build_comments(article, size, rng)
        url = urls[size] = article.get_absolute_url()
        repeat = 3 if size >= 10_000 else 7

        def cold(url=url):
            return cold_get(reader, url)

        with CaptureQueriesContext(connection) as queries:
            page = cold()
        query_count = len(queries.captured_queries)  # read now: later requests reset the log
        shown = page.text.count('class="comment ')
        # Paged (BENCH_PAGE_COMMENTS=1): one page of whole threads; else the whole tree.
        assert shown == size or (conf.get("COMMENTS_PAGE_COMMENTS") and 0 < shown < size), shown
        cold_ms = median_ms(cold, repeat)
        # Warm: the fragments are cached, the page is rendered; kept: the whole page is kept
        # for anonymous readers (core.page_cache) and served without a template.
        settings.PAGE_CACHE_ENABLED = False
        reader.get(url)
        warm_ms = median_ms(lambda url=url: reader.get(url), repeat * 3)
        settings.PAGE_CACHE_ENABLED = True
        reader.get(url)
        kept_ms = median_ms(lambda url=url: reader.get(url), repeat * 3)

        # One new approved reply, then the page again: only its thread is rendered anew.
        def rerender(article=article, url=url):
            target = Comment.objects.filter(article=article, level=0).order_by("?").first()
            if target is not None:
                comment_post(
                    article=article, parent_id=target.pk, body=body(rng), author_name="Nuovo",
                    author_email=f"nuovo{rng.random()}@example.com",
                )  # fmt: skip
            start = time.perf_counter()
            reader.get(url)
            return (time.perf_counter() - start) * 1000

        rerender_ms = statistics.median(rerender() for _ in range(repeat))

        BARE_PAGES[size] = page.content
        bare_ms = median_ms(lambda size=size: reader.get(f"/bench/bare/{size}/"), repeat * 3)

        post_url = reverse("comments:post", args=[article.pk])

        post_ms = timed_posts(article, post_url, repeat, rng)
        rows.append(
            (
                size,
                query_count,
                cold_ms,
                warm_ms,
                kept_ms,
                rerender_ms,
                bare_ms,
                post_ms,
                len(page.content),
            )
        )
        print(f"  {size:>6} comments done", file=sys.stderr)

    # ... then with 100,000.
    print("  adding comments elsewhere for the 100,000 case…", file=sys.stderr)
    more = make_article(title="Molto altrove", slug="bench-more")
    build_comments(more, 100_000 - Comment.objects.exclude(article=target).count(), rng)
    big_site = Comment.objects.exclude(article=target).count()
    post_big = timed_posts(target, target_url, 15, rng, max_level=3)

    print()
    print(f"Article page with N approved comments ({connection.vendor}, medians, ms)")
    header = (
        f"{'N':>7} {'queries':>7} {'cold':>9} {'µs/comment':>10} {'warm':>8} {'kept':>6} "
        f"{'re-render':>9} "
        f"{'bare view':>9} {'post reply':>10} {'page KB':>8}"
    )
    print(header)
    print("-" * len(header))
    base_cold = rows[0][2]
    for size, queries, cold_ms, warm_ms, kept_ms, rerender_ms, bare_ms, post_ms, nbytes in rows:
        per = f"{(cold_ms - base_cold) * 1000 / size:.0f}" if size else "-"
        print(
            f"{size:>7} {queries:>7} {cold_ms:>9.1f} {per:>10} {warm_ms:>8.2f} {kept_ms:>6.2f} "
            f"{rerender_ms:>9.1f} "
            f"{bare_ms:>9.2f} {post_ms:>10.1f} {nbytes / 1024:>8.0f}"
        )
    warm = {size: w for size, _, _, w, *_ in rows}
    print()
    empty_cpu, full_cpu = warm_taking_turns(reader, urls[0], urls[1_000])
    print(
        f"Warm render, 1,000 comments vs none: {full_cpu / empty_cpu:.2f}x "
        f"({full_cpu:.2f} vs {empty_cpu:.2f} ms CPU, medians of {WARM_TURNS} requests of each "
        "taking turns; target <= 1.3x)"
    )
    kept = {size: k for size, _, _, _, k, *_ in rows}
    print(
        f"Kept page for anonymous readers, 1,000 comments: {kept[1_000]:.2f} ms "
        f"(warm render {warm[1_000]:.2f} ms, {warm[1_000] / kept[1_000]:.0f}x; target <= 3 ms)"
    )
    print(
        f"Posting a reply with {small_site:,} vs {big_site:,} comments elsewhere: "
        f"{post_small:.1f} ms vs {post_big:.1f} ms, ratio {post_big / post_small:.2f} "
        "(target <= 1.2)"
    )
    colds = {size: c for size, _, c, *_ in rows}
    print(
        "Cold render growth: 1,000 -> 10,000 comments "
        f"{(colds[10_000] - colds[0]) / max(colds[1_000] - colds[0], 1e-9):.1f}x (linear: 10x)"
    )


if __name__ == "__main__":
    main()
