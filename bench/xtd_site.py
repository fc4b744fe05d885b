"""django-comments-xtd rendering the benchmark tree: run by bench.xtd in its own virtualenv.

    .bench-venv-xtd/bin/python -m bench.xtd_site COUNT MAX_LEVEL REPEAT

A minimal site in-process (SQLite in memory; contenttypes, auth, sites, flatpages as the
article, django_comments and django_comments_xtd), the same tree as bench.comments
(bench.tree_shape, same seed), rendered whole with xtd's own tags as its documentation shows:

    {% get_xtdcomment_tree for object as comments %}
    {% render_xtdcomment_tree with comments=comments %}

Cold: every cache cleared before each run (Django's cache, ContentType's and Site's); compiled
templates are kept, as in Rivista's cold page. Prints one JSON line: median ms, µs per comment.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tree_shape import SEED, body, tree_shape

PAGE = (
    "{% load comments_xtd %}"
    "{% get_xtdcomment_tree for object as comments %}"
    "{% render_xtdcomment_tree with comments=comments %}"
)


def configure(max_level: int) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-xtd",  # noqa: S106 - a throwaway in-memory site
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        SITE_ID=1,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sites",
            "django.contrib.flatpages",
            "django_comments_xtd",
            "django_comments",
        ],
        ROOT_URLCONF="django_comments_xtd.urls",
        COMMENTS_APP="django_comments_xtd",
        COMMENTS_XTD_MAX_THREAD_LEVEL=max_level,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                    ]
                },
            }
        ],
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)


def build(count: int, max_level: int):
    """The article and its tree; saved one by one through XtdComment.save, which computes
    thread, order and nested counts (a parent always comes before its replies)."""
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from django.utils import timezone
    from django_comments_xtd.models import XtdComment

    site = Site.objects.get_current()
    article = FlatPage.objects.create(url="/bench/", title="Articolo di misura", content="…")
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


def cold_render(template, article) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import SITE_CACHE
    from django.core.cache import cache
    from django.test import RequestFactory

    cache.clear()
    ContentType.objects.clear_cache()
    SITE_CACHE.clear()
    request = RequestFactory().get("/bench/")
    request.user = AnonymousUser()
    return template.render({"object": article}, request)


def main() -> None:
    count, max_level, repeat = (int(arg) for arg in sys.argv[1:4])
    configure(max_level)
    import django
    import django_comments_xtd
    from django.template import engines

    article = build(count, max_level)
    template = engines["django"].from_string(PAGE)
    html = cold_render(template, article)
    shown = html.count('class="comment ')
    assert shown == count, (shown, count)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        cold_render(template, article)
        samples.append((time.perf_counter() - start) * 1000)
    ms = statistics.median(samples)
    print(
        json.dumps(
            {
                "django": django.get_version(),
                "xtd": django_comments_xtd.get_version(),
                "count": count,
                "runs": repeat,
                "ms": ms,
                "us_per_comment": ms * 1000 / count,
                "bytes": len(html.encode()),
            }
        )
    )


if __name__ == "__main__":
    main()
