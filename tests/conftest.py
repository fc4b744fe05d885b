from pathlib import Path

import pytest

from tests.factories import make_author, make_user


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete_on_postgresql():
    """A transactional test (transactional_db, live_server, the browser tests) ends with a flush
    of every table. On PostgreSQL Django's flush is one TRUNCATE of all 66 tables, which takes
    0.33 s whatever they hold (new files for each table and index); DELETE FROM each, in the
    same transaction, takes 0.01 s for what a test leaves, so some 200 tests gain a minute of a
    worker. The tables end as empty either way: foreign keys are deferred to the commit (all
    of Django's are), there are no triggers, and the sequences are not reset by either (a
    flush that asks for a reset, or for CASCADE, still truncates)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete_from = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        return [f"{delete_from} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a private media folder and an empty cache for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "it"
    # Mail as in production: queued (core.mail_queue), then sent by a task through "outgoing",
    # here the in-memory outbox. Tasks run at once, in the test's process; a test that needs the
    # database queue and its worker asks for it (database_tasks, run_worker below).
    settings.MAILERS = {
        "default": {
            "BACKEND": "core.mail_queue.QueuedEmailBackend",
            "OPTIONS": {"mailer": "outgoing"},
        },
        "outgoing": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def one_rendition_width(settings):
    """One WebP width instead of three: for tests that encode many images, to keep them quick."""
    settings.IMAGE_RENDITION_WIDTHS = (480,)


def media_files(settings) -> list[Path]:
    """Every file under MEDIA_ROOT, sorted."""
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


# The editorial roles (the groups their data migrations make), shared by every app's admin tests.


@pytest.fixture
def editor_user():
    """A member of the Editors group, not logged in."""
    return make_user(groups=["Editors"])


@pytest.fixture
def editor(client, editor_user):
    """An editor, logged in on `client`."""
    client.force_login(editor_user)
    return editor_user


@pytest.fixture
def editor_client(client, editor):
    """`client`, logged in as an editor."""
    return client


@pytest.fixture
def author_user(client):
    """A member of the Authors group with an author profile, logged in on `client`."""
    user = make_user(groups=["Authors"])
    make_author(user=user, display_name="Anna Autrice")
    client.force_login(user)
    return user


@pytest.fixture
def smtp_server():
    """A real SMTP server in this process (tests/smtp_server.py), stopped after the test."""
    from tests.smtp_server import SMTPServer

    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def patient_sqlite_writers(monkeypatch):
    """On SQLite, the connections a test's threads open wait up to a minute for the write lock
    instead of the 5 s of config/settings.py. For storms of writers, which test that trees stay
    valid: on a starved machine (parallel workers on two cores) a writer can wait 5 s for its
    turn, and the refusal that then follows has its own tests (tests/comments/test_faults.py)."""
    from django.db import connection

    options = connection.settings_dict.get("OPTIONS", {})
    if "timeout" in options:  # the dict every new connection reads, in any thread
        monkeypatch.setitem(options, "timeout", 60)


@pytest.fixture
def refusing_port():
    """A loopback port where a connection is refused for the whole test (a server that is down)."""
    from tests.smtp_server import refusing_port

    with refusing_port() as port:
        yield port


@pytest.fixture
def database_tasks(settings, transactional_db):
    """The production task backend (the queue in the database), for tests that run the worker:
    call run_worker() to process every task that is due, as `manage.py worker` would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def own_tasks_only(monkeypatch):
    """`own_tasks_only("newsletter")`: from here on a worker runs only that app's tasks: what
    other apps queued (the fediverse's sync of each article a fixture published, say) is
    dropped, and a starting worker enqueues only what that app's receivers of
    core.signals.worker_started do. For tests that count the tasks a worker runs."""
    from django_tasks_db.models import DBTaskResult

    from core.signals import worker_started

    def keep(app: str):
        prefix = f"{app}."
        kept = [entry for entry in worker_started.receivers if entry[0][0].startswith(prefix)]
        monkeypatch.setattr(worker_started, "receivers", kept)
        worker_started.sender_receivers_cache.clear()
        DBTaskResult.objects.exclude(task_path__startswith=prefix).delete()

    yield keep
    worker_started.sender_receivers_cache.clear()


def run_worker(**options):
    """Run `manage.py worker` in this process until no task is due (its --batch mode)."""
    import signal

    from django.core.management import call_command

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "worker", batch=True, interval=0, reload=False, startup_delay=False, verbosity=0,
            **options,
        )  # fmt: skip
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)
