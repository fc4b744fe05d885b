"""Big files: a whole magazine (terms, attachments, discussions of every size) and its Disqus
comments come in correct and in flat memory. `make bench-moving` measures the real sizes (2,000
against 20,000 posts, 10,000 against 200,000 comments) in processes of their own; these tests
compare two smaller sizes with tracemalloc, ten times apart."""

import gc
import tracemalloc

import pytest

from blog.models import Article
from comments.models import Comment
from tests.comments.helpers import assert_tree_valid
from tests.wordpress.generate import write_disqus_site_export, write_site_export
from wordpress.models import WordPressObject
from wordpress.services import disqus_import, wordpress_import

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Every discussion at most this long, at both sizes: memory may follow the biggest discussion
# (planned whole), never the file.
BIGGEST = 40
# Ten times the file may cost at most this share of its extra bytes in extra memory. Holding
# every post, thread or comment (as Python objects, bigger than their XML) costs more than the
# file grows; what grows here is a small map by id (a Disqus thread's offsets; the export's
# attachments and the posts whose images are rewritten at the end, about 1 KB a post) next to
# a bounded cache still filling at these sizes (SQLite's prepared statements: bulk inserts of
# every length, about 1.3 MB), which tracemalloc counts as growth. Measured: 0.62 for the
# WordPress export, under 0.5 for the Disqus one.
FLAT = {"wordpress": 0.8, "disqus": 0.5}


def assert_flat(kind: str, small_file, big_file, small_peak: int, big_peak: int) -> None:
    grown_file = big_file.stat().st_size - small_file.stat().st_size
    grown_memory = big_peak - small_peak
    assert grown_memory < FLAT[kind] * grown_file, (small_peak, big_peak, grown_file)


@pytest.fixture(autouse=True)
def _comment_rules(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    settings.COMMENTS_IP_RETENTION_DAYS = 100 * 365


def peak_bytes(action) -> int:
    gc.collect()  # what earlier tests left in cycles is not this import's
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def site_import(path, **options):
    return wordpress_import(path=path, **options)


def test_a_whole_magazine_ten_times_bigger_is_imported_in_flat_memory(tmp_path):
    small = write_site_export(tmp_path / "small.xml", posts=100, comments=500, biggest=BIGGEST)
    big = write_site_export(tmp_path / "big.xml", posts=1000, comments=5000, biggest=BIGGEST)
    assert big.stat().st_size / small.stat().st_size > 8
    site_import(big, dry_run=True)  # warm: imports and bounded caches (SQLite's statements…)

    # Not a dry run: what a transaction queues until its commit is measured too.
    small_peak = peak_bytes(lambda: site_import(small))
    Comment.objects.all().delete()
    WordPressObject.objects.all().delete()
    Article.objects.all().delete()
    big_peak = peak_bytes(lambda: site_import(big))

    assert_flat("wordpress", small, big, small_peak, big_peak)


@pytest.mark.xfail(
    strict=True,
    reason="A regression found at the merge of 7 Dec 2026: passing on its branch (0.5 of the "
    "file's growth), after the merge with the other branches of that day a Disqus dry run's peak "
    "grows by 0.57 of it (end state flat: the growth is transient, per article). Open in #23.",
)
def test_disqus_comments_ten_times_more_are_imported_in_flat_memory(tmp_path):
    site_import(write_site_export(tmp_path / "site.xml", posts=300, comments=0))
    small = write_disqus_site_export(
        tmp_path / "small.xml", posts=1000, articles=300, biggest=BIGGEST
    )
    big = write_disqus_site_export(
        tmp_path / "big.xml", posts=10_000, articles=300, biggest=BIGGEST
    )
    disqus_import(path=big, dry_run=True)  # warm: imports and bounded caches (SQLite's statements…)

    small_peak = peak_bytes(lambda: disqus_import(path=small, dry_run=True))
    big_peak = peak_bytes(lambda: disqus_import(path=big, dry_run=True))

    assert_flat("disqus", small, big, small_peak, big_peak)


def test_a_big_magazine_and_its_disqus_comments_come_in_whole_and_only_once(tmp_path):
    posts, comments, disqus_posts = 200, 1000, 3000
    export = write_site_export(tmp_path / "site.xml", posts=posts, comments=comments)
    disqus = write_disqus_site_export(tmp_path / "disqus.xml", posts=disqus_posts, articles=posts)

    first = site_import(export)
    assert first.tallies["articles"].created == posts
    assert first.tallies["comments"].created == comments == first.read["comments"]
    assert first.tallies["categories"].created == 30
    assert first.tallies["tags"].created == 300
    assert Article.objects.count() == posts
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == posts // 20
    assert Article.objects.filter(tags__isnull=False).distinct().count() == posts

    imported = disqus_import(path=disqus)
    unmatched = imported.skipped["threads", "no article here for it (map it with --map)"]
    assert unmatched == imported.read["threads"] // 100  # one thread in a hundred
    skipped = sum(n for (kind, _), n in imported.skipped.items() if kind == "comments")
    assert imported.tallies["comments"].created + skipped == disqus_posts
    assert imported.tallies["comments"].created > 0.9 * disqus_posts
    assert Comment.objects.count() == comments + imported.tallies["comments"].created
    assert Comment.objects.filter(status=Comment.Status.SPAM).exists()
    assert_tree_valid()

    again = site_import(export)
    assert again.tallies["articles"].unchanged == posts
    assert again.tallies["comments"].unchanged == comments
    again = disqus_import(path=disqus)
    assert again.tallies["comments"].created == 0
    assert again.tallies["comments"].unchanged == imported.tallies["comments"].created
    assert all(tally.created == 0 for tally in again.tallies.values())
    assert Comment.objects.count() == comments + imported.tallies["comments"].created
    assert_tree_valid()


def test_the_progress_counter_thins_out_as_a_big_file_goes_on(tmp_path):
    from wordpress.moving import progress_due

    shown = [n for n in range(1, 200_001) if progress_due(n)]

    assert shown[:10] == [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    assert shown[10:19] == [2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]
    assert shown[-2:] == [190_000, 200_000]
    assert len(shown) == 10 + 9 + 19  # some forty lines for 200,000 posts
