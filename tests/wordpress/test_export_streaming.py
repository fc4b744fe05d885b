"""export_site streams: ten times the articles and comments cost far less than ten times the
memory (only one chunk of articles and one article's comments are held at a time)."""

import io
import time
import tracemalloc

import pytest
from django.core.management import call_command

from blog.models import Article
from comments.models import Comment
from tests.factories import make_author

pytestmark = pytest.mark.django_db

COMMENTS_EACH = 5


def add_articles(n: int, author) -> None:
    """n published articles with COMMENTS_EACH top-level comments each, written in bulk."""
    start = Article.objects.count()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Articolo {start + i}",
            slug=f"articolo-{start + i}",
            author=author,
            status=Article.Status.PUBLISHED,
            body="<p>" + "Testo. " * 200 + "</p>",
        )
        for i in range(n)
    )
    tree = (Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first()) or 0
    comments = []
    for article in articles:
        for _ in range(COMMENTS_EACH):
            tree += 1
            comments.append(
                Comment(
                    article=article,
                    body="Un commento.",
                    body_html="<p>Un commento.</p>",
                    author_name="Lettore",
                    author_email="lettore@example.com",
                    status=Comment.Status.APPROVED,
                    tree_id=tree,
                    lft=1,
                    rght=2,
                    level=0,
                )
            )
    Comment.objects.bulk_create(comments, batch_size=1000)


def peak_of_export(path) -> tuple[int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call_command("export_site", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        return tracemalloc.get_traced_memory()[1], time.perf_counter() - started
    finally:
        tracemalloc.stop()


def test_a_big_site_is_exported_in_flat_memory(tmp_path):
    author = make_author()
    add_articles(100, author)
    small, _ = peak_of_export(tmp_path / "small")
    add_articles(900, author)
    big, seconds = peak_of_export(tmp_path / "big")
    text = (tmp_path / "big" / "wordpress.xml").read_text()
    assert text.count("<wp:comment>") == 1000 * COMMENTS_EACH
    assert big / small < 3, (small, big, seconds)
