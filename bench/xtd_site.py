"""django-comments-xtd's article page on the benchmark tree: run by bench.xtd in its own virtualenv.

    .bench-venv-xtd/bin/python -m bench.xtd_site COUNT MAX_LEVEL

A minimal site in-process, set up as `django-admin startproject` sets one up (its middleware,
SQLite in a file, DEBUG off, Django's cached template loader) with contenttypes, auth, sites,
sessions, messages, flatpages as the article, django_comments and django_comments_xtd. The same
tree as bench.comments (bench.tree_shape, same seed) is shown on an article page of the shape of
Rivista's, as xtd's documentation and example project write it:

- a frame: doctype, head with title, a header and footer of one line each;
- the article: title and body;
- the heading with the count (`get_comment_count`);
- the whole tree (`get_xtdcomment_tree` + `render_xtdcomment_tree`: avatar, name, date,
  permalink, text, reply link per comment; flagging and feedback off, as xtd's defaults);
- the comment form (`render_comment_form`: CSRF token, security hash, honeypot).

The page is served by a view through the test client and every middleware, as Rivista's is.
Rivista's frame holds more (menus, promo, newsletter signup, reading aids, JSON-LD, feeds'
links, the order links, a follow form): the comparison is tilted towards xtd.

Cold: every cache cleared before each request (Django's cache, ContentType's and Site's);
compiled templates are kept, as in Rivista's cold page. Once both articles are built it prints
one JSON line (versions, byte sizes), then times one cold request of the page ("full") or of
the same page for an article without comments ("empty") for each such line read on stdin.
"""

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tree_shape import SEED, body, tree_shape

FRAME = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{{ object.title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">Rivista</a></header><main>{% block content %}{% endblock %}</main>
<footer>Rivista</footer></body></html>"""

PAGE = """{% extends "frame.html" %}{% load comments comments_xtd %}
{% block content %}<article><h1>{{ object.title }}</h1>{{ object.content }}</article>
<section id="comments">{% get_comment_count for object as comment_count %}
<h2>{{ comment_count }} commenti su «{{ object.title }}»</h2>
{% get_xtdcomment_tree for object as comments %}{% render_xtdcomment_tree with comments=comments %}
{% render_comment_form for object %}</section>{% endblock %}"""


def article_page(request, pk):
    """The view: the article, then the page (as xtd's example project's detail view)."""
    from django.contrib.flatpages.models import FlatPage
    from django.shortcuts import get_object_or_404, render

    return render(request, "page.html", {"object": get_object_or_404(FlatPage, pk=pk)})


def configure(max_level: int, workdir: Path) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-xtd",  # noqa: S106 - a throwaway site
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        USE_I18N=True,
        LANGUAGE_CODE="it",
        SITE_ID=1,
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": workdir / "xtd.sqlite3"}
        },
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.sites",
            "django.contrib.flatpages",
            "django_comments_xtd",
            "django_comments",
        ],
        MIDDLEWARE=[  # django-admin startproject's
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF="bench.xtd_urls",
        COMMENTS_APP="django_comments_xtd",
        COMMENTS_XTD_MAX_THREAD_LEVEL=max_level,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                    # Django's cached loader, as with DEBUG off, over the two page templates
                    # and the apps' own.
                    "loaders": [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                (
                                    "django.template.loaders.locmem.Loader",
                                    {"frame.html": FRAME, "page.html": PAGE},
                                ),
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                },
            }
        ],
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)


def build(count: int, max_level: int, slug: str):
    """An article and its tree; saved one by one through XtdComment.save, which computes
    thread, order and nested counts (a parent always comes before its replies)."""
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from django.utils import timezone
    from django_comments_xtd.models import XtdComment

    site = Site.objects.get_current()
    article = FlatPage.objects.create(
        url=f"/{slug}/", title="Articolo di misura", content="<p>Il testo dell'articolo.</p>"
    )
    if not count:
        return article
    rng = random.Random(SEED)
    shape = tree_shape(count, rng, max_level)
    ids: dict[int, int] = {}
    now = timezone.now()
    for i in range(count):
        parent = shape.parent_of[i]
        comment = XtdComment(
            content_object=article, site=site, user_name=f"Lettore {i}",
            user_email=f"lettore{i}@example.com", comment=body(rng), submit_date=now,
            is_public=True, parent_id=ids[parent] if parent is not None else 0,
        )  # fmt: skip
        comment.save()
        ids[i] = comment.pk
    return article


def cold_get(client, url: str):
    """The page with every cache empty; asserted to answer 200."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import SITE_CACHE
    from django.core.cache import cache

    cache.clear()
    ContentType.objects.clear_cache()
    SITE_CACHE.clear()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def timed(client, url: str) -> dict:
    """One cold request: wall-clock and this process's CPU milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    cold_get(client, url)
    return {
        "wall": (time.perf_counter() - wall) * 1000,
        "cpu": (time.process_time() - cpu) * 1000,
    }


def main() -> None:
    """Build both articles, say so on one JSON line, then answer each "full" or "empty" line on
    stdin with one cold request's times (bench.xtd interleaves them with Rivista's) until EOF."""
    count, max_level = int(sys.argv[1]), int(sys.argv[2])
    configure(max_level, Path(tempfile.mkdtemp(prefix="rivista-bench-xtd-")))
    import django
    import django_comments_xtd
    from django.test import Client

    client = Client()
    urls = {
        "empty": f"/articolo/{build(0, max_level, 'vuoto').pk}/",
        "full": f"/articolo/{build(count, max_level, 'pieno').pk}/",
    }
    page = cold_get(client, urls["full"])
    shown = page.text.count('class="comment ')
    assert shown == count, (shown, count)
    ready = {
        "django": django.get_version(),
        "xtd": django_comments_xtd.get_version(),
        "bytes": len(page.content),
        "empty_bytes": len(cold_get(client, urls["empty"]).content),
    }
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        print(json.dumps(timed(client, urls[line.strip()])), flush=True)


if __name__ == "__main__":
    main()
