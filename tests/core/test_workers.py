"""Several workers at once take each task once (django-tasks-db claims with SELECT ... FOR UPDATE
SKIP LOCKED on PostgreSQL; SQLite takes one writer at a time)."""

import threading

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingEmail


def work(worker_id: str, errors: list) -> None:
    try:
        Worker(
            queue_names=["*"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
        ).run()  # fmt: skip
    except Exception as error:  # pragma: no cover - reported below
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.usefixtures("database_tasks", "patient_sqlite_writers")
def test_two_workers_at_once_send_every_email_once():
    for n in range(40):
        send_mail(f"Messaggio {n}", "Corpo", "redazione@example.com", [f"r{n}@example.com"])
    assert DBTaskResult.objects.ready().count() == 40

    errors = []
    threads = [threading.Thread(target=work, args=(f"w{n}", errors)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(m.subject for m in mail.outbox) == sorted(f"Messaggio {n}" for n in range(40))
    tasks = list(DBTaskResult.objects.all())
    assert all(task.status == "SUCCESSFUL" and len(task.worker_ids) == 1 for task in tasks)
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}
