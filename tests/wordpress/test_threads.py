"""Imported comment threads keep the tree invariant (DESIGN.md): fixtures/deep-thread.xml."""

import datetime
import itertools

import pytest

from comments.models import Comment
from comments.services import comment_post
from tests.comments.helpers import assert_tree_valid
from tests.factories import make_article, make_comment
from tests.wordpress.conftest import FIXTURES, by_wp_id, run_import, wp_ids
from wordpress import thread_plan

pytestmark = pytest.mark.django_db

DEEP = FIXTURES / "deep-thread.xml"


def test_replies_nested_ten_deep_keep_their_nesting_when_the_depth_allows(settings):
    settings.COMMENTS_MAX_DEPTH = 10
    run_import(DEEP)
    comments = by_wp_id()

    chain = [comments[wp_id] for wp_id in range(2001, 2011)]
    assert [c.level for c in chain] == list(range(10))
    for parent, child in itertools.pairwise(chain):
        assert child.parent_id == parent.pk
    assert_tree_valid()


def test_replies_deeper_than_the_maximum_are_attached_to_the_deepest_allowed_ancestor(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    summary = run_import(DEEP)
    comments = by_wp_id()

    assert max(c.level for c in comments.values()) == 4
    level_four = comments[2004]
    assert level_four.level == 3
    # Levels 6 to 10, and a reply to the level-5 comment, all become replies to the level-4
    # comment: siblings of the level-5 one, in date order, as WordPress shows them.
    assert wp_ids(level_four.get_children()) == [2005, 2006, 2007, 2008, 2009, 2010, 2012]
    assert "deeper than the maximum depth (5): attached to its deepest allowed ancestor: 6" in (
        summary
    )
    assert_tree_valid()


def test_with_a_maximum_depth_of_one_every_comment_starts_a_thread(settings):
    settings.COMMENTS_MAX_DEPTH = 1
    run_import(DEEP)

    assert set(Comment.objects.values_list("level", flat=True)) == {0}
    assert_tree_valid()


def test_siblings_are_in_date_order_whatever_the_file_order(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    run_import(DEEP)
    comments = by_wp_id()

    # Marta's reply (08:30) is listed after Bruno's (09:00) in the file, but came first.
    assert wp_ids(comments[2001].get_children()) == [2011, 2002]
    # Threads in date order too: roots by tree_id.
    article = comments[2001].article
    roots = Comment.objects.filter(article=article, parent__isnull=True).order_by("tree_id")
    assert wp_ids(roots) == [2001, 2013, 2021, 2030]


def test_reply_to_a_comment_missing_from_the_export_starts_a_thread(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    summary = run_import(DEEP)
    comments = by_wp_id()

    assert comments[2013].parent is None
    assert comments[2030].parent is None  # its parent was a pingback, not imported
    assert "reply to a comment not in the export: starts a thread: 2" in summary


def test_a_cycle_of_parents_is_broken_at_its_oldest_comment_with_a_warning(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    summary = run_import(DEEP)
    comments = by_wp_id()

    oldest = comments[2021]
    assert oldest.parent is None
    assert comments[2022].parent == oldest
    assert comments[2020].parent == comments[2022]
    assert "Warnings:" in summary
    assert "replies forming a cycle: the oldest starts a thread: 1" in summary
    assert "#2020, #2021, #2022" in summary
    assert_tree_valid()


def test_threads_take_fresh_tree_ids_after_those_already_here(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    settings.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()
    before = [make_comment(article), make_comment(article)]
    make_comment(article, parent=before[0])

    run_import(DEEP)

    assert_tree_valid()
    imported_roots = Comment.objects.filter(parent__isnull=True).exclude(article=article)
    assert min(imported_roots.values_list("tree_id", flat=True)) > max(c.tree_id for c in before)
    # The site goes on: a reader's reply to an imported comment, and a new thread.
    imported = by_wp_id()[2005]
    comment_post(article=imported.article, parent_id=imported.pk, body="Risposta di oggi.")
    comment_post(article=imported.article, body="Un nuovo filo.")
    assert_tree_valid()


def test_comment_dates_are_kept():
    run_import(DEEP)

    assert by_wp_id()[2010].created == datetime.datetime(2022, 3, 1, 17, 0, tzinfo=datetime.UTC)


def test_the_plan_breaks_a_self_reference_and_numbers_threads():
    moment = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    nodes = [
        thread_plan.Node(wp_id=1, wp_parent=1, date=moment),
        thread_plan.Node(wp_id=2, wp_parent=1, date=moment + datetime.timedelta(hours=1)),
        thread_plan.Node(wp_id=3, wp_parent=1, date=moment - datetime.timedelta(hours=1)),
    ]

    plan = thread_plan.plan(nodes, max_depth=5, ancestor_at=None)

    assert plan.cycles == [[1]]
    [thread] = plan.threads
    assert [(n.wp_id, n.lft, n.rght, n.level) for n in thread] == [
        (1, 1, 6, 0),
        (3, 2, 3, 1),
        (2, 4, 5, 1),
    ]


def test_a_comment_id_repeated_in_one_post_is_imported_once(tmp_path):
    text = DEEP.read_text(encoding="utf-8")
    start = text.index("\t\t<wp:comment>\n\t\t\t<wp:comment_id>2101</wp:comment_id>")
    end = text.index("</wp:comment>\n", start) + len("</wp:comment>\n")
    export = tmp_path / "export.xml"
    export.write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")

    summary = run_import(export)

    assert Comment.objects.filter(author_name="Sara").count() == 1
    assert "the same wp:comment_id twice in one post: 1" in summary
