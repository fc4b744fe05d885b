"""Fediverse delivery benchmark: an article published to 10,000 followers on 1,000 servers.

    make bench-fediverse                               # SQLite, in a temporary file
    DATABASE_URL=postgres://... make bench-fediverse   # PostgreSQL
    BENCH_CAVAGE_ONLY=1 make bench-fediverse           # servers that refuse RFC 9421

Measures, in one process and with no network (a transport that answers 202 at once): the
publication's sync (the FederatedArticle row, one Delivery row per shared inbox, the tasks
queued in the database), then every delivery sent by the task a worker runs (claim, sign,
post, record). Checks that each server got the Create once and that a second sync sends nothing.
Servers read RFC 9421, our first knock; with BENCH_CAVAGE_ONLY they answer it 401 and take the
draft-cavage knock (two posts per server, the worst case of double-knocking), and a second
article then goes to each of them in one post, their scheme remembered. What a real run adds
is each server's answer time, per worker in turn.
Not part of the tests.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

FOLLOWERS = 10_000
SERVERS = 1_000


def setup_django() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="rivista-bench-fediverse-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ["DEBUG"] = "false"
    os.environ["IGNORE_DOTENV"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Answer202:
    """Every post counted per inbox; RFC 9421 signatures answered 401 when `cavage_only`."""

    def __init__(self, cavage_only: bool = False):
        self.posts = {}
        self.cavage_only = cavage_only
        self.refused = 0

    def send(self, method, url, *, ip, headers, body):
        from fediverse import fetcher

        if self.cavage_only and "Signature-Input" in headers:
            self.refused += 1
            return fetcher.Response(status=401)
        self.posts[url] = self.posts.get(url, 0) + 1
        return fetcher.Response(status=202)


def build_followers() -> None:
    from fediverse import actors
    from fediverse.models import Follower, RemoteActor

    magazine = actors.magazine_actor()
    remotes = [
        RemoteActor(
            uri=f"https://s{n % SERVERS}.example/users/u{n}",
            domain=f"s{n % SERVERS}.example",
            inbox=f"https://s{n % SERVERS}.example/users/u{n}/inbox",
            shared_inbox=f"https://s{n % SERVERS}.example/inbox",
        )
        for n in range(FOLLOWERS)
    ]
    RemoteActor.objects.bulk_create(remotes, batch_size=2000)
    Follower.objects.bulk_create(
        [Follower(actor=magazine, remote=remote) for remote in RemoteActor.objects.all()],
        batch_size=2000,
    )


def main() -> int:
    setup_django()
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from blog.models import Article, Author
    from fediverse import fetcher, publishing, tasks
    from fediverse.models import Delivery

    build_followers()
    cavage_only = bool(os.environ.get("BENCH_CAVAGE_ONLY"))
    transport = Answer202(cavage_only=cavage_only)
    fetcher.transport = transport
    fetcher.resolve = lambda host, port: ["93.184.215.14"]
    author = Author.objects.create(display_name="Anna", slug="anna")
    article = Article.objects.create(
        title="Il clima", slug="il-clima", author=author, status=Article.Status.PUBLISHED
    )

    started = time.perf_counter()
    outcome = publishing.article_sync(article.pk)
    queued = time.perf_counter() - started
    pks = list(Delivery.objects.values_list("pk", flat=True))

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        results = [tasks.deliver.call(pk) for pk in pks[:100]]
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return 0
    results = [tasks.deliver.call(pk) for pk in pks]
    sent = time.perf_counter() - started
    again = publishing.article_sync(article.pk)
    remembered = None
    if cavage_only:  # a second article: each server's scheme is remembered, one post each
        second = Article.objects.create(
            title="Il mare", slug="il-mare", author=author, status=Article.Status.PUBLISHED
        )
        publishing.article_sync(second.pk)
        later = list(Delivery.objects.exclude(pk__in=pks).values_list("pk", flat=True))
        transport.posts.clear()
        started = time.perf_counter()
        results += [tasks.deliver.call(pk) for pk in later]
        remembered = time.perf_counter() - started

    ok = (
        outcome == "created"
        and again == "unchanged"
        and len(pks) == SERVERS
        and set(results) == {"sent"}
        and len(transport.posts) == SERVERS
        and set(transport.posts.values()) == {1}
        and transport.refused == (SERVERS if cavage_only else 0)
    )
    print(f"{FOLLOWERS} followers on {SERVERS} servers ({settings.DATABASES['default']['ENGINE']})")
    print(f"sync (rows + tasks queued): {queued:.2f} s for {len(pks)} deliveries")
    print(f"deliveries sent in one worker: {sent:.2f} s, {len(pks) / sent:.0f}/s")
    if remembered is not None:
        print(f"RFC 9421 knocks refused, then sent with draft-cavage: {transport.refused}")
        print(f"second article, each server's scheme remembered: {remembered:.2f} s")
    print("checks:", "each server once, second sync sends nothing" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
