"""Many writers at once must never corrupt a tree or share a tree_id.

Runs on whatever database DATABASE_URL selects; CI runs it on SQLite and on PostgreSQL, where the
row and advisory locks in comments.services do the work.
"""

import random
import threading

import pytest
from django.db import connection

from comments.models import Comment
from comments.services import comment_post
from tests.factories import make_article, make_comment

THREADS = 8
POSTS_PER_THREAD = 25

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("patient_sqlite_writers")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_roots_and_deep_replies_keep_every_tree_valid(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_MAX_DEPTH = 10
    first, second = make_article(), make_article()
    thread_root = make_comment(first)
    reply_targets = [thread_root]
    targets_lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(worker: int) -> None:
        rng = random.Random(worker)
        try:
            start.wait()
            for n in range(POSTS_PER_THREAD):
                kind = n % 3
                parent_id = None
                article = first
                if kind == 0:
                    with targets_lock:
                        parent_id = rng.choice(reply_targets).pk
                elif kind == 2:
                    article = second
                comment = comment_post(
                    article=article,
                    parent_id=parent_id,
                    body=f"Scrittore {worker}, commento {n}",
                    author_name=f"Scrittore {worker}",
                    author_email=f"w{worker}@example.com",
                )
                if parent_id is not None and comment.level < 8:
                    with targets_lock:
                        reply_targets.append(comment)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)

    assert not errors, errors[:3]
    assert Comment.objects.count() == 1 + THREADS * POSTS_PER_THREAD
    assert Comment.objects.filter(tree_id=thread_root.tree_id).count() > THREADS * 8
    roots = Comment.objects.filter(parent__isnull=True)
    assert roots.values("tree_id").distinct().count() == roots.count()
    before = list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght"))
    Comment.objects.rebuild()
    after = list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght"))
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_through_the_form_view_never_answer_500(settings):
    """The same storm through the real view: every post is a redirect, none an error."""
    from django.test import Client
    from django.urls import reverse

    from tests.factories import post_form_data

    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_RATE_LIMIT = 10_000
    settings.COMMENTS_MAX_DEPTH = 10
    first, second = make_article(), make_article()
    root = make_comment(first)
    url = {a.pk: reverse("comments:post", args=[a.pk]) for a in (first, second)}
    # Forms are filled in beforehand: signing their timestamps moves the clock (time_machine),
    # which must not happen while the threads run.
    forms = {
        worker: [
            (
                article.pk,
                post_form_data(
                    article,
                    parent=str(root.pk) if article is first and n % 4 == 0 else "",
                    body=f"Lettore {worker}, modulo {n}",
                ),
            )
            for n in range(POSTS_PER_THREAD // 2)
            for article in [second if n % 2 else first]
        ]
        for worker in range(THREADS)
    }
    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def reader(worker: int) -> None:
        client = Client()
        try:
            start.wait()
            for article_pk, data in forms[worker]:
                statuses.append(client.post(url[article_pk], data).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=reader, args=(i,)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)

    assert not errors, errors[:3]
    assert statuses and set(statuses) == {302}
    assert Comment.objects.count() == 1 + THREADS * (POSTS_PER_THREAD // 2)
    before = list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght"))
    Comment.objects.rebuild()
    assert (
        list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght")) == before
    )
