"""Each log line is written once: a worker's task lines, Django's own, ours."""

from tests.test_settings import run_python

# The worker's own set-up (django-tasks-db's db_worker adds a handler only where none is
# reachable), then one line from each logger a worker and a request write to.
EMIT = """
import django, logging, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'
django.setup()
from core.management.commands.worker import Command
Command().configure_logging(1)
for name in ('django.tasks', 'django_tasks_db', 'django.request', 'core.tasks'):
    logging.getLogger(name).warning('LINE FROM %s', name)
"""


def test_every_line_is_written_once_in_development_and_in_production():
    for debug in ("true", "false"):
        result = run_python(EMIT, DEBUG=debug)
        assert result.returncode == 0, result.stderr
        lines = (result.stdout + result.stderr).splitlines()
        for name in ("django.tasks", "django_tasks_db", "django.request", "core.tasks"):
            assert lines.count(f"LINE FROM {name}") == 1, (debug, name, lines)
