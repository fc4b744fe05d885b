"""A large magazine against the demo site, in one process: every page, small vs large.

    DATABASE_URL=postgres://user:pass@host/name make bench-scale

PostgreSQL only. Two databases next to the one named: `<name>_small` (rebuilt every run: the
demo site plus the measured articles) and `<name>_large` (the same, plus 20,000 published
articles, 200 authors, 2,000 tags, about 906,000 comments and 100,000 subscribers, written with
COPY, and two years of readership rows: one a day per article, about 14.6 million). The large
one is kept between runs (rebuilt when BENCH_REBUILD=1 or its size changed), so a second run
only migrates and measures. Sizes scale with BENCH_SCALE (1 = the sizes above;
0.05 builds in seconds); BENCH_REPEAT sets the samples per figure (default 5, medians). Public
pages are measured rendered, without the page cache for anonymous readers (BENCH_PAGE_CACHE=1
to measure them as kept).

Every figure is measured the same way on both sites, in this process, one after the other:
Django's full request cycle (test client, all middleware, DEBUG off), caches as deployed (one
warm-up request, then the median), queries counted on one warm request. Writes (moderation
actions, erasing, clearing IPs) run inside a transaction that is rolled back, so each sample
sees the same data. The data is checked before measuring: the comment trees of a sample of
threads (and of every measured article) come out of django-mptt's rebuild unchanged, and no two
threads share a tree_id.
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
ARTICLES = round(20_000 * SCALE)
AUTHORS = 200
TAGS = 2_000
COMMENTS = round(906_000 * SCALE)
SUBSCRIBERS = round(100_000 * SCALE)
# The measured article pages: how many approved comments each holds (on both sites).
MEASURED = tuple(int(n) for n in os.environ.get("BENCH_MEASURED", "10,1000,10000,20000").split(","))
PRIVACY_COMMENTS = 2_000
PRIVACY_EMAIL = "Persona.Misurata@Example.com"
PENDING_FOR_ACTIONS = 100
BUILD_VERSION = 2  # bump when the generated data changes shape (2: commenter keys)

WORDS = [
    "governo",
    "parlamento",
    "ministro",
    "legge",
    "riforma",
    "elezioni",
    "sindaco",
    "comune",
    "regione",
    "città",
    "scuola",
    "università",
    "studenti",
    "insegnanti",
    "lavoro",
    "imprese",
    "mercato",
    "economia",
    "prezzi",
    "inflazione",
    "banca",
    "ambiente",
    "clima",
    "energia",
    "acqua",
    "mare",
    "montagna",
    "trasporti",
    "treno",
    "autobus",
    "strade",
    "sanità",
    "ospedale",
    "medici",
    "ricerca",
    "scienza",
    "tecnologia",
    "internet",
    "dati",
    "privacy",
    "giornalismo",
    "redazione",
    "inchiesta",
    "cronaca",
    "cultura",
    "libro",
    "romanzo",
    "cinema",
    "teatro",
    "musica",
    "festival",
    "mostra",
    "museo",
    "arte",
    "fotografia",
    "sport",
    "calcio",
    "squadra",
    "partita",
    "campionato",
    "storia",
    "memoria",
    "famiglia",
    "giovani",
    "anziani",
    "quartiere",
    "piazza",
    "mercato",
    "turismo",
    "estate",
    "inverno",
    "notte",
    "giorno",
    "settimana",
    "anno",
    "futuro",
    "progetto",
    "piano",
    "bilancio",
    "tasse",
    "servizi",
    "cittadini",
    "associazione",
    "volontari",
    "incontro",
    "dibattito",
    "intervista",
]
RARE_WORDS = ("astronauta", "vulcanologo", "clavicembalo")
COMMENT_TEXTS = 400


def database_names() -> tuple[str, str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench-scale needs PostgreSQL: set DATABASE_URL=postgres://user:pass@host/name")
    name = urlsplit(url).path.lstrip("/")
    return url, f"{name}_small", f"{name}_large"


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(url: str, name: str, *, fresh: bool) -> bool:
    """Create `name` (dropping it first when `fresh`); True when it was created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def setup_django(url: str, small: str) -> None:
    os.environ["DATABASE_URL"] = with_name(url, small)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MEDIA_ROOT", "/tmp/rivista-bench-scale-media")  # noqa: S108
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DEBUG"] = "false"
    os.environ["IGNORE_DOTENV"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings

    from bench.comments import relax_comment_rules

    settings.ROOT_URLCONF = "config.urls"
    relax_comment_rules(settings)
    # Pages rendered, as the table's ratios are about: a page kept whole for anonymous readers
    # (core.page_cache) costs the same on both sites (`make bench` measures it).
    # BENCH_PAGE_CACHE=1 measures public pages as kept instead.
    settings.PAGE_CACHE_ENABLED = os.environ.get("BENCH_PAGE_CACHE") == "1"


def use_database(name: str) -> None:
    from django.core.cache import cache
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()


# Building.


def build_marker() -> str:
    return f"v{BUILD_VERSION} scale={SCALE}"


def read_marker() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_info (marker text)")
        cursor.execute("SELECT marker FROM bench_scale_info")
        row = cursor.fetchone()
    return row[0] if row else None


def write_marker() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_info (marker text)")
        cursor.execute("DELETE FROM bench_scale_info")
        cursor.execute("INSERT INTO bench_scale_info VALUES (%s)", [build_marker()])


def build_core(rng: random.Random) -> None:
    """What both sites hold: the demo, the measured articles and the people measured."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from bench.comments import build_comments
    from blog import demo
    from blog.models import Article, Author, Category, Tag
    from comments.identity import commenter_key
    from comments.models import Comment

    call_command("load_demo", stdout=io.StringIO())
    author = Author.objects.get(slug=demo.AUTHORS[0]["slug"])
    category = Category.objects.get(slug=demo.CATEGORIES[0]["slug"])
    tags = list(Tag.objects.filter(slug__in=list(demo.TAGS)[:2]))
    now = datetime.now(UTC)
    for size in MEASURED:
        article = Article.objects.create(
            title=f"Un articolo con {size} commenti",
            slug=f"misura-{size}",
            author=author,
            category=category,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(days=3),
            lead="Un articolo misurato: quanto costa la sua pagina quando il sito cresce.",
            body="<p>" + " ".join(rng.choices(WORDS, k=400)) + "</p>",
        )
        article.tags.set(tags)
        build_comments(article, size, rng)
    # One reader with 2,000 comments (for export and erase), typed in mixed case.
    big = Article.objects.get(slug=f"misura-{MEASURED[2]}")
    ids = list(
        Comment.objects.filter(article=big)
        .order_by("pk")
        .values_list("pk", flat=True)[:PRIVACY_COMMENTS]
    )
    Comment.objects.filter(pk__in=ids).update(
        author_email=PRIVACY_EMAIL,
        ip_address="192.0.2.10",
        user_agent="Mozilla/5.0 (misura)",
        commenter=commenter_key(user_id=None, email=PRIVACY_EMAIL),
    )
    # Pending comments for the moderation actions: new threads on the 1,000-comment article.
    small = Article.objects.get(slug=f"misura-{MEASURED[1]}")
    pending = Comment.objects.filter(article=small).order_by("-pk")[:PENDING_FOR_ACTIONS]
    Comment.objects.filter(pk__in=list(pending.values_list("pk", flat=True))).update(
        status=Comment.Status.PENDING
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _defaults(model, exclude=()) -> tuple[list[str], dict]:
    """Columns of `model` for COPY and a value for each (its default)."""
    columns, values = [], {}
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False) or field.column in exclude:
            continue
        columns.append(field.column)
        default = field.get_default()
        values[field.column] = "" if default is None and not field.null else default
    return columns, values


def copy_rows(model, rows) -> int:
    """COPY dicts of column values into the table of `model`; missing columns get defaults."""
    from django.db import connection

    columns, defaults = _defaults(model)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(c, defaults[c]) for c in columns])
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT max(id) FROM {table}))"
        )
    return count


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def article_text(rng: random.Random, n: int) -> tuple[str, str, str]:
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    title_words = rng.choices(WORDS, weights=weights, k=5)
    title = f"{' '.join(title_words).capitalize()} ({n})"
    lead = " ".join(rng.choices(WORDS, weights=weights, k=30)).capitalize() + "."
    paragraphs = []
    for p in range(6):
        words = rng.choices(WORDS, weights=weights, k=60)
        if rng.random() < 0.01:
            words[rng.randrange(60)] = rng.choice(RARE_WORDS)
        text = " ".join(words).capitalize() + "."
        paragraphs.append(f"<h2>Parte {p + 1}</h2>" if p == 3 else "")
        paragraphs.append(f"<p>{text}</p>")
    return title, lead, "".join(paragraphs)


def build_large(rng: random.Random) -> None:
    from django.db import connection
    from django.db.models import Max

    from blog import demo
    from blog.models import Article, Author, Category, Tag
    from comments.identity import commenter_key
    from comments.models import Comment, avatar_colour_for
    from core.sanitizer import render_comment_text
    from newsletter.models import Subscriber

    now = datetime.now(UTC)
    say = lambda message: print(f"  {message}", file=sys.stderr, flush=True)  # noqa: E731

    first_author = next_id(Author)
    copy_rows(
        Author,
        (
            {"id": first_author + i, "display_name": f"Firma {i}", "slug": f"firma-{i}",
             "bio": "Scrive di tutto.", "created": now, "updated": now}
            for i in range(AUTHORS)
        ),
    )  # fmt: skip
    first_tag = next_id(Tag)
    copy_rows(
        Tag,
        ({"id": first_tag + i, "name": f"Tema {i}", "slug": f"tema-{i}"} for i in range(TAGS)),
    )
    author_ids = list(Author.objects.values_list("pk", flat=True))
    measured_author = Author.objects.get(slug=demo.AUTHORS[0]["slug"]).pk
    category_ids = list(Category.objects.values_list("pk", flat=True))
    measured_tag = Tag.objects.get(slug=next(iter(demo.TAGS))).pk
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    tag_weights = [1 / (i + 1) for i in range(len(tag_ids))]

    say(f"{ARTICLES:,} articles…")
    first_article = next_id(Article)
    days = 8 * 365
    publish = [now - timedelta(days=days * i / max(ARTICLES, 1) + 4) for i in range(ARTICLES)]

    def articles():
        for i in range(ARTICLES):
            title, lead, body = article_text(rng, i)
            author = measured_author if i % 20 == 0 else rng.choice(author_ids)
            yield {
                "id": first_article + i, "title": title, "slug": f"scala-{i}", "lead": lead,
                "body": body, "author_id": author, "category_id": rng.choice(category_ids),
                "status": "published", "publish_at": publish[i], "comments_enabled": True,
                "created": publish[i], "updated": publish[i],
            }  # fmt: skip

    copy_rows(Article, articles())
    through = Article.tags.through

    first_row = next_id(through)

    def article_tags():
        row_id = first_row
        for i in range(ARTICLES):
            chosen = set(rng.choices(tag_ids, weights=tag_weights, k=3))
            if i % 4 == 0:
                chosen.add(measured_tag)
            for tag in chosen:
                yield {"id": row_id, "article_id": first_article + i, "tag_id": tag}
                row_id += 1

    copy_rows(through, article_tags())

    existing = Comment.objects.count()
    remaining = max(COMMENTS - existing, 0)
    say(f"{remaining:,} comments…")
    weights = [rng.paretovariate(1.3) for _ in range(ARTICLES)]
    total = sum(weights)
    per_article = [int(remaining * w / total) for w in weights]
    texts = []
    for _ in range(COMMENT_TEXTS):
        text = " ".join(rng.choices(WORDS, k=rng.randint(15, 60))).capitalize() + "."
        texts.append((text, render_comment_text(text)))
    tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    first_comment = next_id(Comment)
    state = {"id": first_comment, "tree_id": tree_id, "person": 0}
    keys: dict[int, str] = {}  # each reader's commenter key (comments.identity), made once

    def comments():
        for index, count in enumerate(per_article):
            article_id = first_article + index
            for node in comment_forest(count, rng, state):
                state["person"] += 1
                person = state["person"] % 150_000
                text, html = texts[node["id"] % COMMENT_TEXTS]
                created = min(publish[index] + timedelta(minutes=node["id"] % 40_000), now)
                roll = rng.random()
                status = (
                    "approved" if roll < 0.95 else "pending" if roll < 0.98
                    else "rejected" if roll < 0.99 else "spam"
                )  # fmt: skip
                email = f"lettore{person}@example.com"
                if person not in keys:
                    keys[person] = commenter_key(user_id=None, email=email)
                yield node | {
                    "article_id": article_id, "author_name": f"Lettore {person}",
                    "author_email": email, "commenter": keys[person],
                    "body": text, "body_html": html,
                    "avatar_colour": avatar_colour_for(email), "status": status,
                    "ip_address": f"10.{person % 250}.{person // 250 % 250}.{node['id'] % 250}",
                    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) bench", "created": created,
                    "updated": created, "notify_on_reply": False,
                }  # fmt: skip

    copy_rows(Comment, comments())

    say(f"{SUBSCRIBERS:,} subscribers…")
    first_subscriber = next_id(Subscriber)
    copy_rows(
        Subscriber,
        (
            {"id": first_subscriber + i, "email": f"abbonato{i}@example.com",
             "status": "confirmed", "confirmed_at": now, "language": "it", "source": "footer",
             "created": now, "updated": now}
            for i in range(SUBSCRIBERS)
        ),
    )  # fmt: skip
    say("ANALYZE…")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


READERSHIP_DAYS = 730
REFERRERS = 50
SEARCH_TERMS = 200


def build_readership() -> int:
    """Two years of readership rows: one a day for every published article (20,000 x 730 on the
    large site, about 14.6 million), the site's own, referrers and search terms, written by
    PostgreSQL itself (generate_series). Returns the article rows written."""
    from django.db import connection

    from blog.models import Article
    from readership.models import DailyCount, DailyReferrer, DailySearchTerm

    counts = DailyCount._meta.db_table
    days = f"generate_series(current_date - {READERSHIP_DAYS - 1}, current_date, interval '1 day')"
    # Views from 1 to 60 a day, the same on every run: a hash of the article and the day.
    views = "(1 + abs(hashint8(a.id * 100000 + (d::date - date '2000-01-01')) % 60))"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {counts}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {counts} (day, kind, object_id, views, visitors, read_quarter, "  # noqa: S608
            "read_half, read_three_quarters, read_all) "
            f"SELECT d::date, 'article', a.id, v, v * 7 / 10 + 1, v / 2, v / 3, v / 4, v / 6 "
            f"FROM {Article._meta.db_table} a CROSS JOIN {days} AS d "
            f"CROSS JOIN LATERAL (SELECT {views} AS v) AS x WHERE a.status = 'published'"
        )
        written = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {counts} (day, kind, object_id, views, visitors, read_quarter, "  # noqa: S608
            "read_half, read_three_quarters, read_all) "
            f"SELECT day, 'site', 0, sum(views), sum(visitors) / 3, sum(read_quarter), "
            f"sum(read_half), sum(read_three_quarters), sum(read_all) FROM {counts} "
            "WHERE kind = 'article' GROUP BY day"
        )
        # What the fold keeps besides: article views per author and per category, a day.
        for kind, column in (("by_author", "author_id"), ("by_category", "category_id")):
            cursor.execute(
                f"INSERT INTO {counts} (day, kind, object_id, views, visitors, read_quarter, "  # noqa: S608
                "read_half, read_three_quarters, read_all) "
                f"SELECT c.day, '{kind}', a.{column}, sum(c.views), 0, 0, 0, 0, 0 "
                f"FROM {counts} c JOIN {Article._meta.db_table} a ON a.id = c.object_id "
                f"WHERE c.kind = 'article' AND a.{column} IS NOT NULL GROUP BY c.day, a.{column}"
            )
        cursor.execute(f"DELETE FROM {DailyReferrer._meta.db_table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {DailyReferrer._meta.db_table} (day, domain, views) "  # noqa: S608
            f"SELECT d::date, 'sito' || r || '.example', 1 + abs(hashint4(r * 1000 + "
            f"(d::date - date '2000-01-01')) % 500) FROM {days} AS d, "
            f"generate_series(1, {REFERRERS}) AS r"
        )
        cursor.execute(f"DELETE FROM {DailySearchTerm._meta.db_table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {DailySearchTerm._meta.db_table} (day, term, searches) "  # noqa: S608
            f"SELECT d::date, 'termine ' || t, 1 + abs(hashint4(t * 1000 + "
            f"(d::date - date '2000-01-01')) % 40) FROM {days} AS d, "
            f"generate_series(1, {SEARCH_TERMS}) AS t"
        )
        cursor.execute(f"VACUUM ANALYZE {counts}")
    return written


def comment_forest(count: int, rng: random.Random, state: dict, max_level: int = 4):
    """`count` comments as valid nested sets: 30% thread roots, replies on random earlier
    comments of a random thread (depth below max_level), each thread a fresh tree_id."""
    if count <= 0:
        return
    roots = max(1, round(count * 0.3))
    threads: list[list[dict]] = []
    for i in range(count):
        if i < roots:
            threads.append([{"parent": None, "level": 0, "children": []}])
            continue
        thread = rng.choice(threads)
        parent = rng.choice([n for n in thread if n["level"] < max_level])
        node = {"parent": parent, "level": parent["level"] + 1, "children": []}
        parent["children"].append(node)
        thread.append(node)
    for thread in threads:
        tree_id = state["tree_id"]
        state["tree_id"] += 1
        for node in thread:  # ids in insertion order: a parent before its children
            node["id"] = state["id"]
            state["id"] += 1
        counter = 1
        stack = [(thread[0], False)]
        while stack:
            node, done = stack.pop()
            if done:
                node["rght"] = counter
                counter += 1
                continue
            node["lft"] = counter
            counter += 1
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node["children"]))
        for node in thread:
            yield {
                "id": node["id"],
                "parent_id": node["parent"]["id"] if node["parent"] else None,
                "tree_id": tree_id,
                "lft": node["lft"],
                "rght": node["rght"],
                "level": node["level"],
            }


class Rollback(Exception):
    pass


def check_trees(rng: random.Random) -> str:
    """Rebuild a sample of threads with django-mptt and compare; one root per tree_id."""
    from django.db import connection, transaction

    from comments.models import Comment

    fields = ("pk", "parent_id", "tree_id", "lft", "rght", "level")
    top = Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0
    sample = {rng.randint(1, top) for _ in range(300)}
    sample |= set(
        Comment.objects.filter(article__slug__startswith="misura-", parent__isnull=True)
        .order_by("?")
        .values_list("tree_id", flat=True)[:200]
    )
    before = set(Comment.objects.filter(tree_id__in=sample).values_list(*fields))
    try:
        with transaction.atomic():
            for tree_id in sample:
                Comment.objects.partial_rebuild(tree_id)
            after = set(Comment.objects.filter(tree_id__in=sample).values_list(*fields))
            raise Rollback
    except Rollback:
        pass
    if before != after:
        sys.exit(f"Invalid nested sets: {len(before ^ after)} rows differ after rebuild.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT tree_id FROM comments_comment GROUP BY tree_id "
            "HAVING count(*) FILTER (WHERE parent_id IS NULL) <> 1 "
            "OR count(DISTINCT article_id) <> 1) AS bad"
        )
        bad = cursor.fetchone()[0]
    if bad:
        sys.exit(f"{bad} tree_ids are not exactly one thread.")
    return f"{len(sample)} threads ({len(before):,} comments) rebuild unchanged; 1 root per tree"


# Measuring.


@dataclass
class Figure:
    ms: float
    queries: int
    note: str = ""


def measure(action: Callable[[], object], *, repeat: int = REPEAT, warm: bool = True) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:
        action()
    with CaptureQueriesContext(connection) as captured:
        action()
    queries = len(captured.captured_queries)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return Figure(statistics.median(samples), queries)


def rolled_back(action: Callable[[], object]) -> Callable[[], None]:
    from django.db import transaction

    def run():
        try:
            with transaction.atomic():
                action()
                raise Rollback
        except Rollback:
            pass

    return run


def get(client, url: str, status: int = 200):
    def fetch():
        response = client.get(url)
        if response.status_code != status:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        return response

    return fetch


def deep_page(client, url: str, wanted: int = 500) -> str:
    """`url` at page `wanted`, or at its last page when it has fewer."""
    from blog import conf
    from blog.models import Article, Tag

    slug = url.rstrip("/").rsplit("/", 1)[-1]
    count = Article.objects.published().filter(tags=Tag.objects.get(slug=slug)).count()
    last = max(1, -(-count // conf.get("BLOG_ARTICLES_PER_PAGE")))
    cap = conf.get("BLOG_MAX_LISTING_PAGES")
    return f"{url}?page={min(wanted, last, cap)}"


def public_pages(client) -> dict[str, str]:
    from django.utils import timezone

    from blog import demo
    from blog.models import Article, Author, Category, Tag

    pages = {"home": "/"}
    for size in MEASURED:
        pages[f"article, {size:,} comments"] = Article.objects.get(
            slug=f"misura-{size}"
        ).get_absolute_url()
    tag_url = Tag.objects.get(slug=next(iter(demo.TAGS))).get_absolute_url()
    today = timezone.localdate()
    pages |= {
        "category": Category.objects.get(slug=demo.CATEGORIES[0]["slug"]).get_absolute_url(),
        "tag": tag_url,
        "tag, deep page (500, last or cap)": deep_page(client, tag_url),
        "author": Author.objects.get(slug=demo.AUTHORS[0]["slug"]).get_absolute_url(),
        "year archive": f"/{today.year}/",
        "month archive": f"/{today.year}/{today.month:02d}/",
    }
    for query in ("governo", "scuola università", "ambiente clima energia", "astronauta"):
        pages[f"search '{query}'"] = f"/cerca/?q={query.replace(' ', '+')}"
    big = Article.objects.get(slug=f"misura-{MEASURED[-1]}")
    pages |= {
        "feed (RSS)": "/feed/",
        "category feed": f"{pages['category']}feed/",
        "tag feed": f"{tag_url}feed/",
        f"comment feed, {MEASURED[-1]:,} comments": f"{big.get_absolute_url()}feed/",
        "sitemap.xml": "/sitemap.xml",
    }
    return pages


def sitemap_sections(client) -> dict[str, str]:
    """When sitemap.xml is an index, its largest sections too."""
    import re

    response = client.get("/sitemap.xml")
    text = response.content.decode()
    if "<sitemapindex" not in text:
        return {}
    found = {}
    for location in re.findall(r"<loc>([^<]+)</loc>", text):
        path = urlsplit(location).path + (
            f"?{urlsplit(location).query}" if urlsplit(location).query else ""
        )
        found.setdefault(f"sitemap {path}", path)
    return dict(list(found.items())[:6])


def post_reply(article_slug: str, rng: random.Random) -> Callable[[], None]:
    from django.test import Client
    from django.urls import reverse

    from bench.comments import body
    from blog.models import Article
    from comments.forms import signed_timestamp
    from comments.models import Comment

    article = Article.objects.get(slug=article_slug)
    parents = list(
        Comment.objects.filter(article=article, level__lt=3, status="approved").values_list(
            "pk", flat=True
        )[:500]
    )
    url = reverse("comments:post", args=[article.pk])

    def post():
        data = {
            "author_name": "Misura", "author_email": f"m{rng.random()}@example.com",
            "author_url": "", "body": body(rng), "timestamp": signed_timestamp(article.pk),
            "parent": rng.choice(parents), "website_confirm": "",
        }  # fmt: skip
        response = Client().post(url, data)
        if response.status_code != 302:
            raise RuntimeError(f"posting: {response.status_code}")

    return post


def admin_action(client, action: str) -> Callable[[], None]:
    from comments.models import Comment

    ids = list(
        Comment.objects.filter(
            article__slug=f"misura-{MEASURED[1]}", status=Comment.Status.PENDING
        ).values_list("pk", flat=True)[:PENDING_FOR_ACTIONS]
    )

    def act():
        response = client.post(
            "/admin/comments/comment/?status=pending",
            {"action": action, "_selected_action": ids, "index": 0},
        )
        if response.status_code != 302:
            raise RuntimeError(f"admin action {action}: {response.status_code}")
        if Comment.objects.filter(pk__in=ids, status=Comment.Status.PENDING).exists():
            raise RuntimeError(f"admin action {action} left comments pending")

    return act


def desk_figures(rng: random.Random) -> dict[str, Figure]:
    """The moderators' desk (issue 24): the queue with every row's record and standing, as a
    moderator with a section desk opens it (on their sections) and over all sections, and a
    commenter's record with 2,000 comments and with one: the same queries whatever the size."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from blog import demo
    from blog.models import Category
    from comments.models import Comment, SectionDesk
    from comments.selectors import commenter_record

    moderator, created = User.objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True}
    )
    if created:
        moderator.groups.add(Group.objects.get(name="Moderators"))
    desk, _ = SectionDesk.objects.get_or_create(moderator=moderator)
    desk.categories.set(Category.objects.filter(slug=demo.CATEGORIES[0]["slug"]))
    client = Client()
    client.force_login(moderator)
    queue = "/admin/comments/comment/"
    heavy = Comment.objects.filter(author_email=PRIVACY_EMAIL).order_by("-pk").first()
    light = (
        Comment.objects.exclude(commenter="")
        .exclude(author_email=PRIVACY_EMAIL)
        .order_by("-pk")
        .first()
    )
    return {
        "desk: queue, own sections (records)": measure(get(client, queue)),
        "desk: queue pending, own sections": measure(get(client, queue + "?status=pending")),
        "desk: queue, all sections (records)": measure(get(client, queue + "?section=all")),
        "desk: comment page with record (2,000)": measure(
            get(client, f"{queue}{heavy.pk}/change/")
        ),
        "desk: record, 2,000 comments": measure(lambda: commenter_record(heavy, show_address=True)),
        "desk: record, one reader's few": measure(
            lambda: commenter_record(light, show_address=True)
        ),
    }


def measure_site(label: str, rng: random.Random) -> dict[str, Figure]:
    from django.contrib.auth.models import User
    from django.test import Client

    from blog.models import Article
    from comments import services
    from comments.models import Comment
    from core import privacy

    figures: dict[str, Figure] = {}

    def note(name, figure):
        figures[name] = figure
        print(f"  {label:>5} {name:<40} {figure.ms:9.1f} ms {figure.queries:5} q", file=sys.stderr)

    reader = Client()
    pages = public_pages(reader)
    pages |= sitemap_sections(reader)
    for name, url in pages.items():
        note(name, measure(get(reader, url)))

    def cold_article():
        from django.core.cache import cache

        cache.clear()
        get(reader, pages[f"article, {MEASURED[1]:,} comments"])()

    note(f"article, {MEASURED[1]:,} comments, cold", measure(cold_article, warm=False))
    posting = post_reply(f"misura-{MEASURED[-1]}", rng)
    note(f"post a reply ({MEASURED[-1]:,}-comment article)", measure(posting))

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    editor = Client()
    editor.force_login(admin)
    for name, url in {
        "admin: comments": "/admin/comments/comment/",
        "admin: comments pending": "/admin/comments/comment/?status=pending",
        "admin: comments search": "/admin/comments/comment/?q=lettore",
        "admin: articles": "/admin/blog/article/",
    }.items():
        note(name, measure(get(editor, url)))
    for action in ("approve", "reject"):
        note(f"admin: {action} 100", measure(rolled_back(admin_action(editor, action))))
    for name, figure in desk_figures(rng).items():
        note(name, figure)
    two_years_ago = (datetime.now(UTC) - timedelta(days=READERSHIP_DAYS - 1)).date()
    read_article = Article.objects.published().order_by("-publish_at").first()
    for name, url in {
        "admin: readership, 30 days": "/admin/readership/dailycount/",
        "admin: readership, 2 years": f"/admin/readership/dailycount/?start={two_years_ago}",
        "admin: an article with its figures": f"/admin/blog/article/{read_article.pk}/change/",
    }.items():
        note(name, measure(get(editor, url)))

    note(
        f"export {PRIVACY_COMMENTS:,} comments of one address",
        measure(lambda: privacy.personal_data_export(email=PRIVACY_EMAIL.lower())),
    )
    note(
        f"erase {PRIVACY_COMMENTS:,} comments of one address",
        measure(rolled_back(lambda: privacy.personal_data_erase(email=PRIVACY_EMAIL.upper()))),
    )
    retention = 30
    timings = {}

    def first_then_daily():
        # The first run clears every comment past the retention period; the next day's run
        # finds one more day of them. Rolled back: every run of the bench sees the same data.
        start = time.perf_counter()
        services.comment_ips_clear(older_than_days=retention)
        timings["first"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        services.comment_ips_clear(older_than_days=retention - 1)
        timings["daily"] = (time.perf_counter() - start) * 1000

    rolled_back(first_then_daily)()
    note("clear_old_ips, first run (1 sample)", Figure(timings["first"], 0, "queries n/a"))
    note("clear_old_ips, next day (1 sample)", Figure(timings["daily"], 0, "queries n/a"))
    figures["_comments"] = Figure(0, Comment.objects.count())
    return figures


def main() -> None:
    url, small, large = database_names()
    rng = random.Random(20261203)
    rebuild = os.environ.get("BENCH_REBUILD") == "1"
    create_database(url, small, fresh=True)
    setup_django(url, small)
    from django.core.management import call_command
    from django.db import connection

    results = {}
    started = time.perf_counter()
    print(f"Small site ({small}): building…", file=sys.stderr, flush=True)
    call_command("migrate", verbosity=0)
    build_core(rng)
    build_readership()
    print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    results["small"] = measure_site("small", random.Random(1))

    create_database(url, large, fresh=rebuild)
    use_database(large)
    call_command("migrate", verbosity=0)
    build_note = "reused"
    if read_marker() != build_marker():
        connection.close()
        create_database(url, large, fresh=True)
        use_database(large)
        call_command("migrate", verbosity=0)
        print(f"Large site ({large}): building…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        build_core(random.Random(20261203))
        build_large(rng)
        write_marker()
        build_note = f"built in {time.perf_counter() - started:.0f} s"
        print(f"  {build_note}", file=sys.stderr, flush=True)
    from readership.models import DailyCount

    if not DailyCount.objects.filter(kind="by_author").exists():  # a large site built before
        print("  readership rows…", file=sys.stderr, flush=True)
        build_readership()
    check = check_trees(rng)
    results["large"] = measure_site("large", random.Random(1))
    report(results, build_note, check)


def report(results: dict, build_note: str, check: str) -> None:
    from django.db import connection

    from blog.models import Article
    from newsletter.models import Subscriber

    small, large = results["small"], results["large"]
    print()
    print(
        f"Large site: {Article.objects.published().count():,} published articles, "
        f"{large['_comments'].queries:,} comments, {Subscriber.objects.count():,} subscribers "
        f"({build_note}); small site: {small['_comments'].queries:,} comments. "
        f"PostgreSQL {connection.pg_version // 10000}, medians of {REPEAT}."
    )
    print(f"Data check: {check}.")
    header = f"{'':<42} {'small ms':>9} {'large ms':>9} {'x':>6} {'queries s/l':>12}"
    print(header)
    print("-" * len(header))
    for name, figure in large.items():
        if name.startswith("_"):
            continue
        base = small.get(name)
        if base is None:
            print(f"{name:<42} {'-':>9} {figure.ms:>9.1f} {'-':>6} {'-':>6}/{figure.queries:<5}")
            continue
        ratio = figure.ms / base.ms if base.ms else float("nan")
        queries = f"{base.queries}/{figure.queries}" if not figure.note else figure.note
        print(f"{name:<42} {base.ms:>9.1f} {figure.ms:>9.1f} {ratio:>6.2f} {queries:>12}")


if __name__ == "__main__":
    main()
