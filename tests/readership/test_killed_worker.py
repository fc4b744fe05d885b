"""A worker killed (SIGKILL) in the middle of a fold, in its own process, on a real shared cache:
the next fold counts every event once. Skips without REDIS_URL, like the production tests."""

import signal
import subprocess
import sys

import pytest

from tests.test_production_server import (
    BASE_DIR,
    free_port,
    manage,
    migrated_site,
    production_env,
)

SETUP = """
from readership import counting
from tests.factories import make_article
article = make_article()
for n in range(50):
    counting.record_view(kind="article", object_id=article.pk, digest=f"reader{n % 10}")
print(article.pk)
"""
# Folds, and stops for good at `where`: inside the transaction (counts written, not committed)
# or after the commit (events not yet removed from the cache), until it is killed.
KILLED_FOLD = """
import sys, time
from readership import fold
def stop(*args, **kwargs):
    print("STOPPED", flush=True)
    time.sleep(120)
{patch}
fold.fold()
"""
PATCHES = {
    "before the commit": "fold._remember_visitors = stop",
    "after the commit": "fold.cache.delete_many = stop",
}
COUNT = """
from readership.fold import fold
from readership.models import DailyCount
fold()
row = DailyCount.objects.get(kind="article")
print(row.views, row.visitors)
"""


def killed_fold(env, where: str) -> None:
    code = KILLED_FOLD.format(patch=PATCHES[where])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "STOPPED"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


@pytest.mark.parametrize("where", list(PATCHES))
def test_a_fold_killed_mid_way_loses_and_doubles_nothing(tmp_path, tmp_path_factory, where):
    env = production_env(tmp_path, free_port())
    migrated_site(tmp_path, tmp_path_factory, static=False)  # a copy of a migrated database
    manage(env, "shell", "--no-imports", "-c", SETUP)
    killed_fold(env, where)
    views, visitors = manage(env, "shell", "--no-imports", "-c", COUNT).split()
    assert (int(views), int(visitors)) == (50, 10)
