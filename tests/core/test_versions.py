"""Version bumps after commit are gathered: a long transaction (an import of thousands of
articles) queues one callback, not one per save, and a rolled-back savepoint takes its own."""

from collections import Counter

import pytest
from django.db import connection, transaction

from core import versions

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_many_bumps_in_one_transaction_queue_one_callback_that_bumps_each_name_once_more(
    django_capture_on_commit_callbacks,
):
    names = [f"gathered-{n}" for n in range(3)]
    before = {name: versions.version(name) for name in names}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for round_ in range(50):
            versions.bump_now_and_after_commit(names[round_ % 3])
            with transaction.atomic(savepoint=False):  # as Model.save() opens
                versions.bump_now_and_after_commit(names[(round_ + 1) % 3])
        assert len(connection.run_on_commit) == 1

    assert len(callbacks) == 1
    # 100 bumps now (each name's share), then one more per name after commit.
    now = Counter(names[r % 3] for r in range(50)) + Counter(names[(r + 1) % 3] for r in range(50))
    assert [versions.version(n) - before[n] for n in names] == [now[n] + 1 for n in names]


def test_a_rolled_back_savepoint_takes_its_bumps_and_the_rest_still_come_after_commit(
    django_capture_on_commit_callbacks,
):
    kept, dropped, later = "savepoint-kept", "savepoint-dropped", "savepoint-later"
    before = {name: versions.version(name) for name in (kept, dropped, later)}

    with django_capture_on_commit_callbacks(execute=True):
        versions.bump_now_and_after_commit(kept)
        with pytest.raises(Boom), transaction.atomic():
            versions.bump_now_and_after_commit(dropped)
            raise Boom
        versions.bump_now_and_after_commit(later)

    assert versions.version(kept) - before[kept] == 2  # now, and after commit
    assert versions.version(dropped) - before[dropped] == 1  # now only: its work was undone
    assert versions.version(later) - before[later] == 2
