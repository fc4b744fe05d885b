import pytest


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
def smtp_server():
    """A real SMTP server in this process (tests/smtp_server.py), stopped after the test."""
    from tests.smtp_server import SMTPServer

    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def database_tasks(settings, transactional_db):
    """The production task backend (the queue in the database), for tests that run the worker:
    call run_worker() to process every task that is due, as `manage.py worker` would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
