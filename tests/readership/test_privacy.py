"""Nothing personal is kept: no address, no user agent, no past day's secret, anywhere."""

import io
import logging
import pickle
import time
from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from readership import counting
from readership.fold import fold
from readership.models import DailyCount
from tests.factories import make_article
from tests.readership.conftest import ADDRESS, beacon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_memory_cache(settings):
    """Every entry and its expiry can be read, and expiry follows the travelling clock."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0 UniqueMarker/42"


def at(year, month, day, hour, minute=0, second=0):
    return time_machine.travel(
        timezone.make_aware(datetime(year, month, day, hour, minute, second)), tick=False
    )


def live_cache_entries() -> dict:
    """Every entry of the local-memory cache that has not expired, as (key, value) text."""
    now = time.time()
    return {
        key: repr(pickle.loads(value))  # noqa: S301 - our own cache's entries
        for key, value in cache._cache.items()
        if cache._expire_info.get(key) is None or cache._expire_info[key] > now
    }


def read_twice(reader, article):
    beacon(reader, k="article", i=article.pk, user_agent=USER_AGENT, r="example.org")
    beacon(reader, k="article", i=article.pk, user_agent=USER_AGENT, e="s", d="3")


def test_no_address_user_agent_or_secret_reaches_the_database_or_the_logs(reader, caplog):
    article = make_article()
    caplog.set_level(logging.INFO)
    read_twice(reader, article)
    salt = cache.get(counting.salt_key(timezone.localdate()))
    fold()
    assert DailyCount.objects.get(kind="article").visitors == 1
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for secret in (ADDRESS, "UniqueMarker", salt):
        assert secret not in dump.getvalue()
        assert secret not in caplog.text


def test_the_days_secret_is_deleted_by_the_first_fold_of_the_next_day(reader):
    article = make_article()
    with at(2026, 3, 10, 23, 59):
        read_twice(reader, article)
        assert cache.get(counting.salt_key(timezone.localdate())) is not None
    with at(2026, 3, 11, 0, 0, 30):  # before the secret would expire by itself
        fold()
        assert cache.get(counting.salt_key(datetime(2026, 3, 10).date())) is None
    assert DailyCount.objects.get(kind="article").day.isoformat() == "2026-03-10"


def test_after_the_day_the_cache_keeps_nothing_of_its_visitors(reader):
    article = make_article()
    with at(2026, 3, 10, 15):
        read_twice(reader, article)
        old_salt = cache.get(counting.salt_key(timezone.localdate()))
        fold()
        during = live_cache_entries()
        assert any("2026-03-10" in key for key in during), "the day's visitors are remembered"
    with at(2026, 3, 11, 1, 5):
        read_twice(reader, article)
        fold()
        after = live_cache_entries()
    assert not [key for key in after if "2026-03-10" in key]
    for key, value in after.items():
        for secret in (ADDRESS, "UniqueMarker", old_salt):
            assert secret not in key and secret not in value
    rows = DailyCount.objects.filter(kind="article").order_by("day")
    assert [(row.day.isoformat(), row.views, row.visitors) for row in rows] == [
        ("2026-03-10", 1, 1),
        ("2026-03-11", 1, 1),
    ]
