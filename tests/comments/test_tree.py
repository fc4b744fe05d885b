"""The comment tree: its shape after any workload, and how the article page reads it."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.services import comment_set_status
from tests.comments.helpers import assert_tree_valid
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_new_thread_takes_a_fresh_tree_id():
    article = make_article()
    first = make_comment(article)
    second = make_comment(article)
    other_article_thread = make_comment(make_article())
    assert len({first.tree_id, second.tree_id, other_article_thread.tree_id}) == 3


def test_reply_is_appended_as_last_child_newest_last():
    article = make_article()
    root = make_comment(article)
    older = make_comment(article, parent=root)
    newer = make_comment(article, parent=root)
    root.refresh_from_db()
    assert list(root.get_children()) == [older, newer]


def test_reply_shifts_only_its_own_thread():
    article = make_article()
    thread = make_comment(article)
    make_comment(article, parent=thread)
    others = [make_comment(article) for _ in range(3)]
    make_comment(article, parent=others[0])
    other_rows = set(
        Comment.objects.exclude(tree_id=thread.tree_id).values_list("pk", "tree_id", "lft", "rght")
    )

    with CaptureQueriesContext(connection) as queries:
        make_comment(article, parent=thread, status="pending")

    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert updates, "a reply must open a gap in its thread"
    tree_column = f'"{Comment._meta.db_table}"."tree_id"'
    for sql in updates:
        assert "tree_id" in sql and (tree_column in sql or '"tree_id" =' in sql), sql
    assert (
        set(
            Comment.objects.exclude(tree_id=thread.tree_id).values_list(
                "pk", "tree_id", "lft", "rght"
            )
        )
        == other_rows
    )


def test_mixed_workload_leaves_a_tree_rebuild_does_not_change():
    rng = random.Random(20261129)
    articles = [make_article(), make_article()]
    approved = {a.pk: [] for a in articles}
    everything = []
    for _ in range(150):
        article = rng.choice(articles)
        roll = rng.random()
        candidates = approved[article.pk]
        if roll < 0.3 or not candidates:
            comment = make_comment(article, status="pending")
        elif roll < 0.85:
            comment = make_comment(article, parent=rng.choice(candidates), status="pending")
        else:
            victim = rng.choice(everything)
            comment_set_status(comment=victim, status=rng.choice(["rejected", "spam", "approved"]))
            victims_thread = approved[victim.article_id]
            if victim.status != "approved" and victim in victims_thread:
                victims_thread.remove(victim)
            continue
        everything.append(comment)
        if rng.random() < 0.8:
            comment_set_status(comment=comment, status="approved")
            candidates.append(comment)
    assert Comment.objects.filter(level__gte=3).exists(), "the workload should build deep threads"
    assert_tree_valid()


@pytest.mark.slow
@pytest.mark.parametrize("count", [10, 500])
def test_article_page_fetches_the_whole_tree_in_one_query(client, settings, count):
    settings.COMMENTS_THREADS_PER_PAGE = 500  # the whole tree on one page
    article = make_article()
    parents = []
    for i in range(count):
        parent = parents[i % len(parents)] if parents and i % 3 else None
        comment = make_comment(article, parent=parent)
        if comment.level < 3:
            parents.append(comment)
    url = article.get_absolute_url()
    # The same budget whatever the number of comments: a page of whole threads is one query
    # (its rows, carrying how many comments and threads the discussion has).
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('class="comment ') == count
    tree_queries = [q for q in cold.captured_queries if "comments_comment" in q["sql"]]
    assert len(tree_queries) == 1
    assert len(cold.captured_queries) <= 5


@pytest.mark.slow
def test_query_count_is_the_same_for_10_and_500_comments(client):
    counts = {}
    for count in (10, 500):
        article = make_article()
        root = None
        for i in range(count):
            comment = make_comment(article, parent=root if i % 2 else None)
            root = comment if comment.level == 0 else root
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts[count] = len(queries)
    assert counts[10] == counts[500]


def test_warm_page_reads_the_tree_from_cache(client):
    article = make_article()
    for _ in range(5):
        make_comment(article)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        response = client.get(article.get_absolute_url())
    assert response.text.count('class="comment ') == 5
    assert not [q for q in warm.captured_queries if "comments_comment" in q["sql"]]


def test_approving_a_comment_shows_it_despite_the_cached_tree(client):
    article = make_article()
    make_comment(article, body="Primo commento visibile.")
    held = make_comment(article, body="Secondo, in attesa.", status="pending")
    assert "Secondo, in attesa." not in client.get(article.get_absolute_url()).text
    comment_set_status(comment=held, status="approved")
    assert "Secondo, in attesa." in client.get(article.get_absolute_url()).text


def test_rejected_comment_with_approved_replies_leaves_a_placeholder(client):
    article = make_article()
    parent = make_comment(article, body="Testo poi rimosso.")
    reply = make_comment(article, parent=parent, body="Una risposta che resta.")
    comment_set_status(comment=parent, status="rejected")
    html = client.get(article.get_absolute_url()).text
    assert "Testo poi rimosso." not in html
    assert "comment-removed" in html
    assert "Una risposta che resta." in html
    # The reply is still nested inside the placeholder's list item.
    placeholder_at = html.index(f'id="comment-{parent.pk}"')
    assert html.index('<ol class="children">', placeholder_at) < html.index(
        f'id="comment-{reply.pk}"'
    )


def test_rejected_comment_without_visible_replies_disappears(client):
    article = make_article()
    parent = make_comment(article, body="Sparisce del tutto.")
    make_comment(article, parent=parent, status="pending")
    comment_set_status(comment=parent, status="spam")
    html = client.get(article.get_absolute_url()).text
    assert f'id="comment-{parent.pk}"' not in html


def test_nesting_markup_is_balanced_for_a_deep_tree(client):
    article = make_article()
    a = make_comment(article)
    b = make_comment(article, parent=a)
    c = make_comment(article, parent=b)
    make_comment(article, parent=c)
    make_comment(article, parent=a)
    make_comment(article)
    html = client.get(article.get_absolute_url()).text
    section = html[html.index('<ol class="comment-list">') :]
    section = section[: section.index('<div id="respond"')]
    assert section.count("<ol") == section.count("</ol>")
    assert section.count("<li") == section.count("</li>")
    assert section.count('<ol class="children">') == 3


def test_a_new_approved_reply_re_renders_only_its_own_thread(client):
    from comments.tree import render_tree

    article = make_article()
    threads = [make_comment(article) for _ in range(6)]
    for root in threads:
        make_comment(article, parent=root)
    assert render_tree(article).rendered_threads == 6  # cold: every thread
    assert render_tree(article).rendered_threads == 0  # nothing changed: all from the cache

    make_comment(article, parent=threads[2], body="Nuova risposta nel terzo filo.")
    again = render_tree(article)
    assert again.rendered_threads == 1
    assert "Nuova risposta nel terzo filo." in again.html
    assert again.count == 13


def test_a_views_threads_are_kept_in_one_entry_holding_only_what_it_shows():
    from django.core.cache import cache

    from comments import tree_cache
    from comments.tree import render_tree

    article = make_article()
    roots = [make_comment(article) for _ in range(3)]
    render_tree(article)
    first = tree_cache.get_threads(article.pk, "tree")
    assert len(first) == 3

    make_comment(article, parent=roots[0], body="Una risposta al primo.")
    comment_set_status(comment=roots[2], status="spam")
    again = render_tree(article)
    assert again.rendered_threads == 1
    kept = tree_cache.get_threads(article.pk, "tree")
    # The changed thread under its new fingerprint, the removed one gone: never more entries
    # than threads shown, however many changes the discussion sees.
    assert len(kept) == 2 and len(set(kept) & set(first)) == 1
    assert "Una risposta al primo." in b"".join(kept.values()).decode()
    # Another view of the same article keeps its own entry.
    render_tree(article, view="newest:1")
    assert cache.get(tree_cache.threads_key(article.pk, "newest:1")) is not None
    assert tree_cache.get_threads(article.pk, "tree") == kept


def test_moderating_a_comment_re_renders_only_its_thread():
    from comments.tree import render_tree

    article = make_article()
    roots = [make_comment(article) for _ in range(4)]
    render_tree(article)
    comment_set_status(comment=roots[1], status="spam")
    result = render_tree(article)
    assert result.rendered_threads == 0  # the spam thread vanished; others were cached
    assert result.count == 3
    make_comment(article, parent=roots[3])
    comment_set_status(comment=roots[3], status="rejected")
    result = render_tree(article)
    assert result.rendered_threads == 1  # the placeholder thread
    assert "comment-removed" in result.html


def test_a_readers_own_pending_thread_never_enters_the_shared_cache(client):
    from django.core.cache import cache

    from comments import tree_cache
    from comments.tree import render_tree

    article = make_article()
    root = make_comment(article)
    mine = make_comment(article, parent=root, status="pending", body="Solo per me.")
    personal = render_tree(article, own_pending=frozenset({mine.pk}))
    assert "Solo per me." in personal.html
    assert b"Solo per me." not in b"".join(tree_cache.get_threads(article.pk, "tree").values())
    public = render_tree(article)
    assert "Solo per me." not in public.html
    assert public.rendered_threads == 1  # the personal render kept nothing
    kept = tree_cache.get_threads(article.pk, "tree")
    assert len(kept) == 1 and b"Solo per me." not in next(iter(kept.values()))
    assert cache.get(tree_cache.threads_key(article.pk, "tree")) == kept


def test_the_article_page_holds_the_threads_exactly_as_rendered_and_no_marker():
    # The threads join the page as bytes after its templates (core.splice): the page must read
    # as if the templates had printed them, accented letters and emoji included, both when it
    # is rendered and when it is served kept with this visitor's token filled in. A browser
    # as in production: CSRF checked, its CSRF cookie sent, a 500 answered rather than raised.
    from comments.paging import comment_page
    from tests.factories import CSRF_SECRET, csrf_browser

    article = make_article()
    root = make_comment(article, body="Già letto: è così 🙂")
    make_comment(article, parent=root, author_name="Zoë “Z”")
    browser = csrf_browser()

    rendered = browser.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        kept = browser.get(article.get_absolute_url())
    assert queries.captured_queries == []  # the kept page, not a second render

    threads = comment_page(article).tree.html
    for response in (rendered, kept):
        assert response.status_code == 200
        html = response.content.decode()
        assert threads in html
        assert "Già letto: è così 🙂" in html and "Zoë “Z”" in html
        assert "splice" not in html and "pagecachehole" not in html
        assert 'name="csrfmiddlewaretoken"' in html and CSRF_SECRET not in html
