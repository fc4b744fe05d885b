"""Disqus comments come in as threaded comments: fixtures/disqus.xml, on the site that
fixtures/magazine.xml makes (its articles and their old WordPress addresses)."""

import gc
import io
import re
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from comments.models import Comment
from tests.comments.helpers import assert_tree_valid
from tests.factories import make_article
from tests.wordpress.conftest import FIXTURES, run_import
from tests.wordpress.generate import write_disqus_export
from wordpress.models import WordPressObject
from wordpress.services import disqus_import

pytestmark = pytest.mark.django_db

DISQUS = FIXTURES / "disqus.xml"


@pytest.fixture
def site(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    settings.COMMENTS_IP_RETENTION_DAYS = 100 * 365  # keep the IP addresses of 2023
    run_import(FIXTURES / "magazine.xml")
    return {int(m.wp_id): m.article for m in WordPressObject.objects.filter(kind="post")}


def run_disqus(path=DISQUS, *options: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_disqus", str(path), *options, stdout=out, stderr=err)
    run_disqus.progress = err.getvalue()
    return out.getvalue()


def by_dsq_id() -> dict[int, Comment]:
    return {
        int(m.wp_id): m.comment
        for m in WordPressObject.objects.filter(source="disqus:rivistaprova").select_related(
            "comment"
        )
    }


def test_posts_become_threaded_comments_on_the_articles_their_links_lead_to(site):
    summary = run_disqus()
    comments = by_dsq_id()

    milano, books, notes = site[106], site[101], site[104]
    anna = comments[9000001]
    assert anna.article == milano  # its thread's link: the old WordPress address
    assert comments[9000021].article == books  # the address here
    assert comments[9000031].article == notes  # the identifier ("104 https://…/?p=104")
    assert (anna.author_name, anna.author_email, anna.ip_address) == (
        "Anna Verdi",
        "anna.verdi@example.com",
        "198.51.100.4",
    )
    assert anna.status == Comment.Status.APPROVED
    # HTML written as our comments' formatting, rendered like any comment.
    assert anna.body == (
        "Bellissimo **articolo**!\n\nNe parla anche questo blog (https://blog.example/milano)."
    )
    assert "<strong>articolo</strong>" in anna.body_html
    assert comments[9000021].body == "Che estate!\nPiena di libri."
    assert comments[9000002].author_name == "lettore_77"  # no name: the Disqus username
    assert comments[9000002].parent == anna
    assert comments[9000006].status == Comment.Status.SPAM
    assert "Read 14 posts and 5 threads." in summary
    assert_tree_valid()


def test_deleted_posts_are_placeholders_where_replies_need_them_and_skipped_otherwise(site):
    summary = run_disqus()
    comments = by_dsq_id()

    placeholder = comments[9000003]
    assert placeholder.status == Comment.Status.REJECTED
    assert (placeholder.body, placeholder.author_name, placeholder.author_email) == ("", "", "")
    assert placeholder.ip_address is None
    assert comments[9000004].parent == placeholder
    assert 9000005 not in comments
    assert "comments: deleted in Disqus, with no replies: 1 (e.g. #9000005)" in summary

    page = Client().get(site[106].get_absolute_url()).content.decode()
    assert "Rispondo al commento cancellato." in page
    assert "Commento rimosso" in page and "cancellato dal suo autore" not in page
    for email in ("anna.verdi@example.com", "bruno@example.com", "l77@example.com"):
        assert email not in page


def test_orphans_start_a_thread_and_cycles_are_broken_as_in_the_wordpress_import(site):
    summary = run_disqus()
    comments = by_dsq_id()

    assert comments[9000007].parent is None
    assert comments[9000008].parent is None  # the oldest of the cycle
    assert comments[9000009].parent == comments[9000008]
    assert "reply to a comment not in the export: starts a thread: 1" in summary
    assert "replies forming a cycle: the oldest starts a thread: 1" in summary
    assert_tree_valid()


def test_what_cannot_be_imported_is_reported_never_a_crash(site):
    summary = run_disqus()

    assert "threads: no posts: 1" in summary
    assert "comments: no dsq:id: 1" in summary
    assert "comments: its thread is not in the file: 1 (e.g. thread 7199999)" in summary
    assert "threads: no article here for it (map it with --map): 1" in summary
    assert "https://rivista.example/vecchio-speciale-elezioni/" in summary
    assert "comments: on a thread that matches no article: 1" in summary
    assert not Comment.objects.filter(author_name__in=["Fausto", "Gina", "Mario"]).exists()


def test_the_summary_is_the_wordpress_imports_table(site):
    summary = run_disqus()

    assert summary.splitlines()[0] == "Disqus import from rivistaprova (Disqus XML)"
    rows = {line.split()[0]: line.split()[1:] for line in summary.splitlines()[3:5]}
    assert rows == {"threads": ["0", "3", "0", "2"], "comments": ["10", "0", "0", "4"]}


def test_a_map_places_the_threads_nothing_else_matches(site, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "thread,article\nhttps://rivista.example/vecchio-speciale-elezioni/,perche-milano\n",
        encoding="utf-8",
    )

    summary = run_disqus(DISQUS, "--map", str(mapping))

    assert by_dsq_id()[9000041].article == site[106]
    assert "matches no article" not in summary


def test_a_map_row_leading_nowhere_is_refused_and_nothing_imported(site, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("7100004,/2019/01/01/mai-esistito/\nsolo-una-colonna\n", encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        run_disqus(DISQUS, "--map", str(mapping))

    assert "row 1: no article here for “/2019/01/01/mai-esistito/”" in str(refused.value)
    assert "row 2: two columns expected" in str(refused.value)
    assert by_dsq_id() == {}


def test_a_second_run_creates_nothing_and_follows_a_later_status(site, tmp_path):
    run_disqus()
    before = sorted(Comment.objects.values_list("pk", "status", "tree_id", "lft", "rght"))

    summary = run_disqus()

    assert sorted(Comment.objects.values_list("pk", "status", "tree_id", "lft", "rght")) == before
    assert re.search(r"^comments\s+0\s+0\s+10\s+4$", summary, re.MULTILINE)

    later = tmp_path / "later.xml"
    text = DISQUS.read_text(encoding="utf-8")
    # Disqus's moderators changed their mind about the spam.
    later.write_text(text.replace("<isSpam>true</isSpam>", "<isSpam>false</isSpam>"), "utf-8")
    run_disqus(later)
    assert by_dsq_id()[9000006].status == Comment.Status.APPROVED
    assert_tree_valid()


def test_malformed_xml_is_refused_with_line_and_column_and_nothing_changed(site, tmp_path):
    broken = tmp_path / "broken.xml"
    text = DISQUS.read_text(encoding="utf-8")
    broken.write_text(text[: text.index('<post dsq:id="9000021">')], encoding="utf-8")
    comments_before = Comment.objects.count()

    with pytest.raises(CommandError) as refused:
        run_disqus(broken)

    assert re.search(r"not well-formed XML at line \d+, column \d+", str(refused.value))
    assert Comment.objects.count() == comments_before
    assert by_dsq_id() == {}


def test_entities_are_refused_like_the_wxr_reader(site, tmp_path):
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY lol "lol">]>\n'
        "<disqus><post><message>&lol;</message></post></disqus>\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"declares an XML entity \(“lol”\) at line 2"):
        run_disqus(hostile)


def test_a_file_that_is_not_a_disqus_export_is_refused(site):
    with pytest.raises(CommandError, match="is not a Disqus export"):
        run_disqus(FIXTURES / "magazine.xml")
    assert by_dsq_id() == {}


def test_a_dry_run_prints_the_summary_and_saves_nothing(site):
    comments_before = Comment.objects.count()

    summary = run_disqus(DISQUS, "--dry-run")

    assert "DRY RUN, nothing was saved" in summary
    assert Comment.objects.count() == comments_before


def test_a_post_deleted_in_disqus_after_an_import_loses_its_text_and_author(site, tmp_path):
    run_disqus()
    later = tmp_path / "later.xml"
    text = DISQUS.read_text(encoding="utf-8")
    start = text.index('<post dsq:id="9000001">')
    deleted_at = text.index("<isDeleted>false</isDeleted>", start)
    later.write_text(
        text[:deleted_at] + "<isDeleted>true</isDeleted>" + text[deleted_at + 28 :], "utf-8"
    )

    run_disqus(later)

    anna = by_dsq_id()[9000001]
    assert anna.status == Comment.Status.REJECTED
    assert (anna.body, anna.author_name, anna.author_email, anna.ip_address) == ("", "", "", None)
    assert anna.get_children().count() == 2  # its replies keep their place
    assert "Bellissimo" not in Client().get(site[106].get_absolute_url()).content.decode()
    assert_tree_valid()


def test_a_big_export_is_streamed_in_flat_memory_with_a_progress_counter(tmp_path):
    article = make_article()
    link = f"https://rivista.example{article.get_absolute_url()}"
    small = write_disqus_export(tmp_path / "small.xml", posts=300, link=link)
    big = write_disqus_export(tmp_path / "big.xml", posts=3000, link=link)

    peaks = []
    for path in (small, big):
        gc.collect()  # what earlier tests left in cycles is not this import's
        tracemalloc.start()
        try:
            report = disqus_import(path=path, dry_run=True)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert report.tallies["comments"].created == report.read["posts"]

    # Memory follows the biggest thread (planned whole), not the file: ten times the posts cost
    # far less than ten times the memory (when the cyclic collector runs moves the peak a little).
    assert peaks[1] / peaks[0] < 3.5, peaks
    run_disqus(small, "--dry-run")
    assert run_disqus.progress.splitlines() == [
        "… 100 posts, 6 threads read",
        "… 200 posts, 6 threads read",
        "… 300 posts, 6 threads read",
        "… 300 posts, 6 threads read; 6 of 6 threads imported",
    ]
