"""Readers posting while an import runs: nobody shares a tree_id, every tree stays valid.

On PostgreSQL the import takes the new-thread advisory lock comment_post takes, and holds it
until it commits; on SQLite the import's IMMEDIATE transaction makes writers queue.
"""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from comments.models import Comment
from comments.services import comment_post
from tests.comments.helpers import assert_tree_valid
from tests.factories import make_article, make_comment
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress import threads

READERS = 4
POSTS_EACH = 3


def run_disqus_import() -> None:
    call_command("import_disqus", str(FIXTURES / "disqus.xml"), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("patient_sqlite_writers")
def test_readers_posting_during_an_import_never_share_its_tree_ids(settings, monkeypatch):
    readers_post_during(lambda: run_import(FIXTURES / "deep-thread.xml"), settings, monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_readers_posting_during_a_disqus_import_never_share_its_tree_ids(settings, monkeypatch):
    run_import(FIXTURES / "magazine.xml")  # the articles the Disqus threads belong to
    readers_post_during(run_disqus_import, settings, monkeypatch)


def readers_post_during(run, settings, monkeypatch) -> None:
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_MAX_DEPTH = 5
    article = make_article()
    first = make_comment(article)
    inserted = threading.Event()
    insert_threads = threads._insert_threads

    def insert_then_linger(*args, **kwargs):
        insert_threads(*args, **kwargs)
        inserted.set()
        time.sleep(0.3)  # readers post now, while the import's rows are not committed

    monkeypatch.setattr(threads, "_insert_threads", insert_then_linger)
    errors: list[BaseException] = []

    def reader(number: int) -> None:
        try:
            inserted.wait(30)
            for n in range(POSTS_EACH):
                comment_post(
                    article=article,
                    parent_id=first.pk if n == 1 else None,
                    body=f"Lettore {number}, commento {n}",
                    author_name=f"Lettore {number}",
                    author_email=f"lettore{number}@example.com",
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for thread in readers:
        thread.start()
    run()
    for thread in readers:
        thread.join(60)

    assert errors == []
    assert Comment.objects.filter(article=article).count() == 1 + READERS * POSTS_EACH
    assert_tree_valid()
