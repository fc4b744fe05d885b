"""Per-article discussion counts (comments.counts): kept by every writer in its transaction,
equal to a recount after any sequence of writes, and read by the page instead of counting."""

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.counts import counts_rebuild, recount
from comments.editing import comment_edit
from comments.flags import comment_flag
from comments.models import Comment, CommentFlag, DiscussionCount
from comments.privacy import erase_comments
from comments.selectors import discussion_counts
from comments.services import comment_delete, comment_post, comment_set_status, comments_set_status
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

# Approvals weigh more, so the discussion grows while every other move happens too.
STATUSES = [*Comment.Status.values, Comment.Status.APPROVED, Comment.Status.APPROVED]


def stored() -> dict[int, tuple[int, int]]:
    """The kept rows, leaving out the all-zero ones (recount has no row for them)."""
    return {
        row.pk: (row.approved, row.threads)
        for row in DiscussionCount.objects.all()
        if (row.approved, row.threads) != (0, 0)
    }


def _post(rng, articles, _comments):
    article = rng.choice(articles)
    parents = list(
        Comment.objects.filter(article=article, status=Comment.Status.APPROVED, level__lt=3)
    )
    parent = rng.choice(parents) if parents and rng.random() < 0.6 else None
    comment_post(
        article=article,
        parent_id=parent.pk if parent else None,
        body=f"Testo {rng.random()}",
        author_email=f"p{rng.randrange(5)}@example.com",
    )


def _moderate(rng, _articles, comments):
    comment_set_status(comment=rng.choice(comments), status=rng.choice(STATUSES))


def _moderate_in_bulk(rng, _articles, comments):
    picked = [c.pk for c in rng.sample(comments, min(len(comments), 4))]
    comments_set_status(comments=Comment.objects.filter(pk__in=picked), status=rng.choice(STATUSES))


def _delete(rng, _articles, comments):
    comment_delete(comment=rng.choice(comments))


def _edit(rng, _articles, comments):
    # Links past the limit hold an edited comment again: an approved one leaves the count.
    body = (
        "Vedi http://a.example http://b.example" if rng.random() < 0.5 else f"Nuovo {rng.random()}"
    )
    comment_edit(comment=rng.choice(comments), body=body)


def _flag(rng, _articles, comments):
    approved = [c for c in comments if c.status == Comment.Status.APPROVED]
    if approved:
        comment_flag(
            comment=rng.choice(approved),
            reason=CommentFlag.Reason.SPAM,
            ip_address=f"10.0.0.{rng.randrange(250)}",
        )


def _erase(rng, _articles, _comments):
    erase_comments(f"p{rng.randrange(5)}@example.com")


OPERATIONS = [_post, _post, _post, _moderate, _moderate, _moderate_in_bulk, _delete, _edit, _flag]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_equal_a_recount_after_a_random_sequence_of_writes(settings, seed):
    settings.COMMENTS_HOLD_LINK_COUNT = 2
    settings.COMMENTS_DUPLICATE_CHECK = False
    settings.COMMENTS_REQUIRE_APPROVAL = False  # posts go live unless a rule holds them
    settings.COMMENTS_FLAG_THRESHOLD = 1
    rng = random.Random(seed)
    articles = [make_article(), make_article()]
    most = 0
    for step in range(60):
        comments = list(Comment.objects.all())
        operation = rng.choice([*OPERATIONS, _erase]) if comments else _post
        operation(rng, articles, comments)
        assert stored() == recount(), (step, operation.__name__)
        most = max([most, *(threads for _, threads in recount().values())])
    assert most > 1, "the sequence never showed two threads: it proved little"


def test_rebuild_puts_a_drifted_row_right(settings):
    article = make_article()
    make_comment(article)
    DiscussionCount.objects.filter(pk=article.pk).update(approved=40, threads=7)

    assert counts_rebuild() == 1
    assert discussion_counts(article.pk) == (1, 1)
    assert counts_rebuild() == 0


def test_the_command_recounts_every_article():
    article = make_article()
    make_comment(article)
    DiscussionCount.objects.all().delete()

    call_command("rebuild_discussion_counts", verbosity=0)

    assert discussion_counts(article.pk) == (1, 1)


def test_a_hidden_comment_above_approved_replies_keeps_its_thread_counted():
    article = make_article()
    root = make_comment(article)
    make_comment(article, parent=root)
    comment_set_status(comment=root, status=Comment.Status.REJECTED)

    assert discussion_counts(article.pk) == (1, 1)


def test_the_page_reads_the_kept_counts_and_never_counts_the_discussion():
    article = make_article()
    make_comment(article)
    # A row that disagrees with the comments shows what the page reads.
    DiscussionCount.objects.filter(pk=article.pk).update(approved=17)

    with CaptureQueriesContext(connection) as queries:
        page = Client().get(article.get_absolute_url())

    assert "17 comments on" in page.text or "17 commenti su" in page.text
    counting = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "comments_comment" in q["sql"]
    ]
    assert not counting
