"""What the worker does for the moves asked in the admin (wordpress.tasks runs it, wordpress.jobs
queues it): an import's dry run or the import itself, a site export, and the removal of files
kept too long.

A job is claimed (queued -> running) by one worker only; it runs the same service the command
runs (wordpress.services) with the job's progress file as the progress counter, and ends checked,
done or failed with the report kept on the job. An import is all or nothing: a failed or killed
one left nothing in the database, so it can simply be run again.
"""

import logging
import shutil
from dataclasses import asdict
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wordpress import conf, job_files
from wordpress.models import ExportJob, ImportJob, MovingJob
from wordpress.moving import ImportReport
from wordpress.services import (
    DisqusError,
    ExportRefused,
    MapError,
    MediaDirRefused,
    WxrError,
    disqus_import,
    site_export,
    wordpress_import,
)

logger = logging.getLogger("wordpress.jobs")
Status = MovingJob.Status
# Saved by update_fields: a job deleted meanwhile is not brought back by its last save.
FINISHED_FIELDS = ("status", "summary", "report", "finished_at", "updated")
# What the editor is told as it is: the file's fault, with the line and column where there is one.
REFUSALS = (
    WxrError,
    DisqusError,
    MapError,
    MediaDirRefused,
    ExportRefused,
    job_files.UploadRefused,
    job_files.MovingRootRefused,
)


def summary_of(report: ImportReport) -> dict:
    """What the job page shows of a report."""
    summary = {
        "read": [[name, report.read[name]] for name in report.reading],
        "tallies": [[kind, asdict(tally)] for kind, tally in report.tallies.items()],
        "source": report.source,
    }
    if report.uploads_found or report.uploads_missing:
        summary["uploads"] = {
            "found": len(report.uploads_found),
            "imported": len(report.uploads_imported),
            "missing": len(report.uploads_missing),
        }
    return summary


def _claim(model: type[MovingJob], pk: int) -> MovingJob | None:
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        error="",
        updated=now,
    )
    return model.objects.get(pk=pk) if claimed else None


def _failed(job: MovingJob, message: str) -> str:
    job.status, job.error, job.finished_at = Status.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated"])
    logger.warning("%s %s failed: %s", job._meta.model_name, job.pk, message)
    return "failed"


def _run(job: MovingJob, work) -> str | None:
    """Run `work(progress)`; on failure, the job failed and why (None when it succeeded)."""
    try:
        with job_files.ProgressFile(job.folder) as progress:
            return work(progress)
    except REFUSALS as exc:
        return _failed(job, str(exc))
    except Exception as exc:
        logger.exception("%s %s stopped on an unexpected error", job._meta.model_name, job.pk)
        return _failed(
            job,
            _(
                "The worker stopped on an unexpected error (%(error)s). Nothing was changed; "
                "the details are in the site's log. You can retry."
            )
            % {"error": type(exc).__name__},
        )


def import_job_run(job_id: int) -> str:
    job = _claim(ImportJob, job_id)
    if job is None:
        return "skipped"  # taken by another worker, deleted, or not waiting any more
    dry_run = not job.confirmed
    logger.info(
        "Import %s (%s): %s started, asked by %s",
        job.pk,
        job,
        "dry run" if dry_run else "import",
        job.created_by if dry_run else job.confirmed_by,
    )
    outcome = _run(job, lambda progress: _import(job, dry_run, progress))
    expire_files()
    return outcome


def _import(job: ImportJob, dry_run: bool, progress) -> str:
    folder = job_files.folder_path(job.folder)
    export = folder / job_files.EXPORT_DIR / job.file_name
    if job.kind == ImportJob.Kind.DISQUS:
        map_path = folder / job_files.MAP_FILE if job.map_name else None
        report = disqus_import(path=export, map_path=map_path, dry_run=dry_run, progress=progress)
    else:
        media_dir = job_files.unpacked_uploads(job.folder) if job.media_name else None
        report = wordpress_import(
            path=export,
            media_dir=media_dir,
            dry_run=dry_run,
            keep_remote_images=job.keep_remote_images,
            menu_locations=job.menu_locations or None,
            progress=progress,
        )
    job.finished_at = timezone.now()
    if dry_run:
        job.status, job.dry_run_summary, job.dry_run_report = (
            Status.CHECKED,
            summary_of(report),
            report.summary(),
        )
    else:
        job.status, job.summary, job.report = Status.DONE, summary_of(report), report.summary()
    job.save(update_fields=[*FINISHED_FIELDS, "dry_run_summary", "dry_run_report"])
    if not dry_run:  # the originals are not needed any more, and private
        job_files.remove_folder(job.folder)
    logger.info("Import %s: %s finished\n%s", job.pk, job, report.summary())
    return "checked" if dry_run else "done"


def export_job_run(job_id: int) -> str:
    job = _claim(ExportJob, job_id)
    if job is None:
        return "skipped"
    logger.info("Export %s started, asked by %s", job.pk, job.created_by)
    outcome = _run(job, lambda progress: _export(job, progress))
    expire_files()
    return outcome


def _export(job: ExportJob, progress) -> str:
    folder = job_files.folder_path(job.folder)
    site, archive = folder / job_files.SITE_DIR, folder / job_files.SITE_ZIP
    shutil.rmtree(site, ignore_errors=True)  # what a killed run left
    archive.unlink(missing_ok=True)
    report = site_export(output_dir=site, progress=progress)
    job.file_size = job_files.zip_folder(site, archive)
    shutil.rmtree(site)
    job.status, job.summary, job.report = Status.DONE, summary_of(report), report.summary()
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + timedelta(hours=conf.get("MOVING_EXPORT_KEEP_HOURS"))
    job.save(update_fields=[*FINISHED_FIELDS, "file_size", "expires_at"])
    logger.info("Export %s finished (%s bytes)\n%s", job.pk, job.file_size, report.summary())
    return "done"


def expire_files(now=None) -> int:
    """Delete the files kept too long: exports past their date, uploads of imports never
    confirmed, jobs failed (or never run) and left for MOVING_UPLOAD_KEEP_DAYS. The jobs stay,
    with their summaries; returns how many."""
    now = now or timezone.now()
    stale_uploads = now - timedelta(days=conf.get("MOVING_UPLOAD_KEEP_DAYS"))
    left = {"status__in": [Status.QUEUED, Status.CHECKED, Status.FAILED]}
    expired = [
        *ExportJob.objects.filter(status=Status.DONE, expires_at__lt=now),
        *ExportJob.objects.filter(**left, updated__lt=stale_uploads),
        *ImportJob.objects.filter(**left, updated__lt=stale_uploads),
    ]
    for job in expired:
        job_files.remove_folder(job.folder)
        type(job).objects.filter(pk=job.pk, status=job.status).update(
            status=Status.EXPIRED, updated=now
        )
        logger.info("%s %s: files deleted after their time", job._meta.model_name, job.pk)
    return len(expired)
