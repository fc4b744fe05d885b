"""The moves asked in the admin, run by the worker (`manage.py worker`): wordpress.job_run does
the work, wordpress.jobs queues it. Notes written on jobs are in the site's language."""

import logging

from django.conf import settings
from django.dispatch import receiver
from django.tasks import task
from django.utils import translation

from core.signals import worker_started
from wordpress import job_run

logger = logging.getLogger("wordpress.jobs")

# Behind emails and newsletter batches: an import may take minutes.
MOVING_PRIORITY = -10


@task(priority=MOVING_PRIORITY)
def run_import_job(job_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return job_run.import_job_run(job_id)


@task(priority=MOVING_PRIORITY)
def run_export_job(job_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return job_run.export_job_run(job_id)


@receiver(worker_started, dispatch_uid="wordpress.expire_files")
def _expire_on_worker_start(sender, **kwargs):
    expired = job_run.expire_files()
    if expired:
        logger.info("Deleted the files of %s finished imports and exports", expired)
