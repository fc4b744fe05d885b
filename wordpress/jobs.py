"""The moves an editor asks for in the admin: upload an export (a dry run is queued), confirm
it (the import is queued), retry one that failed or whose worker died, make a site export,
delete a job and its files. The worker runs them (wordpress.tasks, wordpress.job_run).

Every step is logged with who asked (logger "wordpress.jobs"); the admin also keeps its history.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from wordpress import conf, job_files, tasks
from wordpress.models import ExportJob, ImportJob, MovingJob

logger = logging.getLogger("wordpress.jobs")
Status = MovingJob.Status


def import_job_create(
    *,
    user,
    kind: str,
    export_file,
    media_zip=None,
    map_file=None,
    keep_remote_images: bool = False,
    menu_locations: dict[str, str] | None = None,
) -> ImportJob:
    """Keep the uploaded files in a private folder and queue the dry run. The files were
    checked by the form (job_files.check_export_file, check_zip)."""
    folder = job_files.new_folder("import")
    file_name = job_files.safe_name(export_file.name, "export.xml")
    try:
        job_files.save_upload(export_file, folder, f"{job_files.EXPORT_DIR}/{file_name}")
        if media_zip is not None:
            job_files.save_upload(media_zip, folder, job_files.ZIP_FILE)
        if map_file is not None:
            job_files.save_upload(map_file, folder, job_files.MAP_FILE)
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                file_name=file_name,
                media_name=media_zip.name[:255] if media_zip is not None else "",
                map_name=map_file.name[:255] if map_file is not None else "",
                keep_remote_images=keep_remote_images,
                menu_locations=menu_locations or {},
                folder=folder,
                created_by=user,
            )
            transaction.on_commit(partial(tasks.run_import_job.enqueue, job.pk))
    except BaseException:
        job_files.remove_folder(folder)
        raise
    logger.info("Import %s (%s) uploaded by %s: dry run queued", job.pk, job, user)
    return job


def import_job_confirm(*, job: ImportJob, user) -> bool:
    """After a dry run: queue the import itself. False if the job was not waiting for it."""
    with transaction.atomic():
        confirmed = ImportJob.objects.filter(
            pk=job.pk, status=Status.CHECKED, confirmed=False
        ).update(
            confirmed=True,
            confirmed_by=user,
            status=Status.QUEUED,
            attempts=0,  # the import's own, not the dry run's
            updated=timezone.now(),
        )
        if confirmed:
            transaction.on_commit(partial(tasks.run_import_job.enqueue, job.pk))
    if confirmed:
        logger.info("Import %s (%s) confirmed by %s: import queued", job.pk, job, user)
    return bool(confirmed)


def export_job_create(*, user) -> ExportJob:
    folder = job_files.new_folder("export")
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(folder=folder, created_by=user)
            transaction.on_commit(partial(tasks.run_export_job.enqueue, job.pk))
    except BaseException:
        job_files.remove_folder(folder)
        raise
    logger.info("Export %s asked by %s: queued", job.pk, user)
    return job


def job_is_stale(job: MovingJob) -> bool:
    """Queued or running, and no worker has given a sign of life for MOVING_STALE_SECONDS: the
    worker is down, or died running it."""
    if not job.is_active:
        return False
    limit = conf.get("MOVING_STALE_SECONDS")
    if job.status == Status.QUEUED:
        return job.updated < timezone.now() - timedelta(seconds=limit)
    quiet = job_files.seconds_since_sign_of_life(job.folder)
    if quiet is None:
        return job.started_at is None or job.started_at < timezone.now() - timedelta(seconds=limit)
    return quiet > limit


def job_can_retry(job: MovingJob) -> bool:
    return job.status == Status.FAILED or job_is_stale(job)


def job_retry(*, job: MovingJob, user) -> bool:
    """Queue a failed or stale job again, from where it stood (an import's dry run, or the
    import once confirmed). False if it cannot be retried (any more)."""
    if not job_can_retry(job):
        return False
    model = type(job)
    with transaction.atomic():
        retried = model.objects.filter(
            pk=job.pk, status=job.status, started_at=job.started_at
        ).update(status=Status.QUEUED, updated=timezone.now())
        if retried:
            task = tasks.run_import_job if model is ImportJob else tasks.run_export_job
            transaction.on_commit(partial(task.enqueue, job.pk))
    if retried:
        logger.info("%s %s retried by %s", model._meta.model_name, job.pk, user)
    return bool(retried)


def job_can_delete(job: MovingJob) -> bool:
    """Not while a worker runs it (its files are in use), unless the worker is gone."""
    return job.status != Status.RUNNING or job_is_stale(job)


def job_delete(*, job: MovingJob, user) -> None:
    """The job and its private files (what was uploaded, the export made)."""
    job_files.remove_folder(job.folder)
    logger.info("%s %s (%s) deleted by %s", job._meta.model_name, job.pk, job, user)
    job.delete()
