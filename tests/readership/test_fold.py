from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from readership import counting, fold, tasks
from readership.models import DailyCount, DailyReferrer, FoldMark
from tests.factories import make_article
from tests.readership.conftest import beacon

pytestmark = pytest.mark.django_db


def article_views(article) -> int:
    row = DailyCount.objects.filter(kind="article", object_id=article.pk).first()
    return row.views if row else 0


def send(reader, article, times, **fields):
    for _ in range(times):
        beacon(reader, k="article", i=article.pk, **fields)


def test_fold_moves_counts_into_daily_rows_and_empties_the_cache(reader):
    article = make_article()
    send(reader, article, 3)
    assert fold.fold() == 3
    assert article_views(article) == 3
    assert cache.get(counting.event_key(1)) is None
    assert fold.fold() == 0
    assert article_views(article) == 3


def test_folds_add_up_across_runs(reader):
    article = make_article()
    send(reader, article, 2)
    fold.fold()
    send(reader, article, 5)
    fold.fold()
    assert article_views(article) == 7


def test_fold_works_in_batches(reader, settings):
    settings.READERSHIP_FOLD_BATCH = 2
    article = make_article()
    send(reader, article, 5)
    assert fold.fold() == 5
    assert article_views(article) == 5


def test_a_fold_killed_before_its_commit_loses_nothing_and_counts_nothing_twice(reader):
    article = make_article()
    send(reader, article, 4, r="example.org")
    # Killed half-way through writing: the counts are written, the referrers are not.
    killed = mock.patch.object(DailyReferrer.objects, "create", side_effect=SystemExit("killed"))
    with killed, pytest.raises(SystemExit):
        fold.fold()
    assert article_views(article) == 0
    assert FoldMark.objects.get(name=fold.MARK).last_event == 0
    assert fold.fold() == 4
    assert article_views(article) == 4
    assert DailyReferrer.objects.get().views == 4


def test_a_fold_killed_after_its_commit_counts_nothing_twice(reader):
    article = make_article()
    send(reader, article, 3)
    # Killed between the commit and the removal of the folded events from the cache.
    killed = mock.patch.object(fold.cache, "delete_many", side_effect=SystemExit("killed"))
    with killed, pytest.raises(SystemExit):
        fold.fold()
    assert cache.get(counting.event_key(1)) is not None
    fold.fold()
    send(reader, article, 1)
    fold.fold()
    assert article_views(article) == 4


def test_an_event_whose_line_is_not_written_yet_is_waited_for(reader):
    article = make_article()
    send(reader, article, 2)
    line = cache.get(counting.event_key(2))
    cache.delete(counting.event_key(2))
    real_get_many = cache.get_many
    calls = []

    def written_meanwhile(keys):
        calls.append(keys)
        if len(calls) == 2:
            cache.set(counting.event_key(2), line)
        return real_get_many(keys)

    with mock.patch.object(fold.cache, "get_many", side_effect=written_meanwhile):
        assert fold.fold() == 2
    assert article_views(article) == 2


def test_an_emptied_cache_starts_numbering_again_and_is_still_folded(reader):
    article = make_article()
    send(reader, article, 3)
    fold.fold()
    cache.clear()
    send(reader, article, 2)
    fold.fold()
    assert article_views(article) == 5


def test_the_next_fold_is_queued_once_per_period(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = datetime(2026, 12, 7, 10, 0, 30, tzinfo=UTC)
    assert tasks.schedule_next_fold(now) is True
    assert tasks.schedule_next_fold(now) is False
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "readership.tasks.fold_counts"
    assert queued.run_after == datetime(2026, 12, 7, 10, 1, 1, tzinfo=UTC)


def test_the_fold_task_folds_and_queues_the_next(reader):
    article = make_article()
    send(reader, article, 2)
    with mock.patch.object(tasks, "schedule_next_fold") as schedule:
        result = tasks.fold_counts.call()
    assert result == 2
    schedule.assert_called_once()
    assert article_views(article) == 2
