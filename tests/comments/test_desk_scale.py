"""The moderators' desk at scale (issue 24, item 9): the queue with every row's record and
standing, and the section counts, and a commenter's record, take the same number of queries
whatever the number of comments (bench/scale.py measures the time at 906,000)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, SectionDesk
from comments.selectors import commenter_counts, commenter_record, commenter_standing
from comments.services import comment_post
from tests.factories import make_article, make_category, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

QUEUE = reverse("admin:comments_comment_changelist")


def grow(sections, count: int, *, start: int = 0) -> None:
    """`count` held comments spread over the sections, by a handful of commenters each."""
    articles = [make_article(category=section) for section in sections]
    for n in range(start, start + count):
        comment_post(
            article=articles[n % len(articles)],
            body=f"Commento numero {n} da moderare.",
            author_name="Lettore",
            author_email=f"lettore{n % 6}@example.org",
        )


def queries(client, url: str) -> int:
    client.get(url)  # the session and the settings' cache, warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [QUEUE, QUEUE + "?section=all", QUEUE + "?status=pending"])
def test_the_desk_s_queue_takes_the_same_queries_at_two_sizes(settings, client, url):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    sections = [make_category() for _ in range(3)]
    moderator = make_user(groups=["Moderators"], email="desk@example.com")
    desk = SectionDesk.objects.create(moderator=moderator)
    desk.categories.set(sections[:2])
    client.force_login(moderator)

    grow(sections, 6)
    small = queries(client, url)
    grow(sections, 60, start=6)
    large = queries(client, url)

    assert Comment.objects.count() == 66
    assert small == large


def test_a_commenter_s_record_takes_the_same_queries_at_3_and_at_120_comments(
    django_assert_num_queries,
):
    article = make_article()
    counts = []
    for email, total in (("poche@example.org", 3), ("tante@example.org", 120)):
        for n in range(total):
            last = comment_post(
                article=article, body=f"{email} {n}", author_name="L", author_email=email
            )
        with CaptureQueriesContext(connection) as captured:
            record = commenter_record(last, show_address=False)
        assert record.total == total
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        commenter_record(last, show_address=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_a_commenter_s_comments_are_found_by_their_index_not_by_reading_every_comment():
    # The commenter indexes are partial; SQLite takes one only if the query restates its
    # condition. Without it each post's standing read the whole table (the bench's posting
    # cost grew 4x from 100 to 100,000 comments elsewhere).
    article = make_article()
    comment = comment_post(
        article=article, body="Un commento.", author_name="Lettrice",
        author_email="lettrice@example.org",
    )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        commenter_standing(comment.commenter)
        commenter_counts([comment.commenter, "e:nessuno"])
        commenter_record(comment, show_address=False)
    reads = [query["sql"] for query in captured if '"comments_comment"."commenter"' in query["sql"]]

    assert len(reads) >= 3
    for sql in reads:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [row[-1] for row in cursor.fetchall()]
        assert not [step for step in plan if step.startswith("SCAN comments_comment")], plan
        assert any("INDEX comment_commenter_" in step for step in plan), plan
