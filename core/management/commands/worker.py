"""`manage.py worker`: the background worker (django-tasks-db's db_worker, every queue).

Before its first task it sends core.signals.worker_started, so each app enqueues again what a
worker killed mid-task left unfinished (an email claimed but never sent, a newsletter issue
half-way out). Several workers may run at once: each task is claimed with SELECT ... FOR UPDATE
SKIP LOCKED on PostgreSQL, so no two take the same one.
"""

from django_tasks_db.management.commands import db_worker

from core.signals import worker_started


class Command(db_worker.Command):
    help = "Run a background worker for every queue (emails, newsletter issues)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options):
        worker_started.send(sender=self.__class__)
        return super().handle(*args, **options)
