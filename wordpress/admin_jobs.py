"""Imports and the site export, from the admin: upload, dry run, confirm, progress, summary,
download. The worker does the work (wordpress.jobs queues it).

Only superusers and staff holding wordpress.run_import (imports) or wordpress.run_export (the
export, which holds drafts and every commenter's email address) see these pages; every view and
action checks it, whatever the URL.
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wordpress import conf, job_files, jobs
from wordpress.job_forms import ImportUploadForm
from wordpress.models import ExportJob, ImportJob, MovingJob

logger = logging.getLogger("wordpress.jobs")
Status = MovingJob.Status
REFRESH_SECONDS = 3

# The names the reports use, as the page shows them.
LABELS = {
    "authors": gettext_lazy("authors"),
    "categories": gettext_lazy("categories"),
    "tags": gettext_lazy("tags"),
    "articles": gettext_lazy("articles"),
    "pages": gettext_lazy("pages"),
    "comments": gettext_lazy("comments"),
    "featured images": gettext_lazy("featured images"),
    "images": gettext_lazy("images"),
    "galleries": gettext_lazy("galleries"),
    "embeds": gettext_lazy("embeds"),
    "menus": gettext_lazy("menus"),
    "menu items": gettext_lazy("menu items"),
    "redirects": gettext_lazy("redirects"),
    "threads": gettext_lazy("threads"),
    "media": gettext_lazy("media"),
    "items": gettext_lazy("items"),
    "posts": gettext_lazy("posts"),
}


def label(name: str) -> str:
    return str(LABELS.get(name, name))


def summary_table(summary: dict) -> dict | None:
    """A job's summary as the template draws it."""
    if not summary:
        return None
    return {
        "read": [(label(name), count) for name, count in summary.get("read", [])],
        "rows": [
            (label(kind), t["created"], t["updated"], t["unchanged"], t["skipped"])
            for kind, t in summary.get("tallies", [])
        ],
        "uploads": summary.get("uploads"),
        "source": summary.get("source", ""),
    }


def job_progress(job: MovingJob) -> dict:
    """Where a job stands, for its page and for the page's script."""
    read, percent = [], None
    if job.is_active:
        counts = job_files.read_progress(job.folder).get("read", {})
        read = [(label(name), count) for name, count in counts.items()]
        percent = _percent(job, counts)
    elif job.status in (Status.DONE, Status.CHECKED):
        percent = 100
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "active": job.is_active,
        "percent": percent,
        "read": ", ".join(f"{count} {name}" for name, count in read),
    }


def _percent(job: MovingJob, counts: dict) -> int | None:
    """The import after its dry run: what it read against what the dry run read (the first of
    the report's reading kinds). Otherwise the total is unknown: None."""
    if not isinstance(job, ImportJob) or not job.confirmed:
        return None
    dry_read = job.dry_run_summary.get("read")
    if not dry_read or not dry_read[0][1]:
        return None
    name, total = dry_read[0]
    return min(99, counts.get(name, 0) * 100 // total)


class JobAdmin(admin.ModelAdmin):
    """What the import and export pages share: the permission, the job page, its progress and
    the retry."""

    permission = ""
    list_display = ["__str__", "status", "created_by", "created", "finished_at"]
    list_filter = ["status"]
    actions = None  # deleting is one job at a time, through job_delete
    change_form_template = "admin/wordpress/job.html"

    def allowed(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.has_perm(self.permission)

    def check_allowed(self, request) -> None:
        if not self.allowed(request):
            raise PermissionDenied

    def has_module_permission(self, request):
        return self.allowed(request)

    def has_view_permission(self, request, obj=None):
        return self.allowed(request)

    def has_add_permission(self, request):
        return self.allowed(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allowed(request) and (obj is None or jobs.job_can_delete(obj))

    def delete_model(self, request, obj):
        jobs.job_delete(job=obj, user=request.user)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name=f"{prefix}_progress",
            ),
            path(
                "<path:object_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name=f"{prefix}_retry",
            ),
            *self.extra_urls(prefix),
            *super().get_urls(),
        ]

    def extra_urls(self, prefix: str) -> list:
        return []

    def job_or_404(self, request, object_id) -> MovingJob:
        self.check_allowed(request)
        job = self.get_object(request, unquote(object_id))
        if job is None:
            raise Http404
        return job

    def progress_view(self, request, object_id):
        job = self.job_or_404(request, object_id)
        response = JsonResponse(job_progress(job))
        response["Cache-Control"] = "private, no-store"
        return response

    def retry_view(self, request, object_id):
        job = self.job_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if jobs.job_retry(job=job, user=request.user):
            self.log_change(request, job, _("Retried"))
            messages.success(request, _("Queued again: the worker will take it."))
        else:
            messages.warning(request, _("This job cannot be retried now."))
        return redirect(job.get_absolute_url())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.job_or_404(request, object_id)
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "subtitle": None,
            "opts": self.opts,
            "job": job,
            "progress": job_progress(job),
            "progress_url": reverse(f"admin:{prefix}_progress", args=[job.pk]),
            "retry_url": reverse(f"admin:{prefix}_retry", args=[job.pk]),
            "refresh_seconds": REFRESH_SECONDS,
            "stale": jobs.job_is_stale(job),
            "can_retry": jobs.job_can_retry(job),
            "can_delete": self.has_delete_permission(request, job),
            "dry_run": summary_table(getattr(job, "dry_run_summary", {})),
            "summary": summary_table(job.summary),
            **self.job_context(request, job),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def job_context(self, request, job) -> dict:
        return {}


@admin.register(ImportJob)
class ImportJobAdmin(JobAdmin):
    permission = "wordpress.run_import"
    list_display = ["__str__", "status", "created_by", "confirmed_by", "created", "finished_at"]
    list_filter = ["status", "kind"]

    def extra_urls(self, prefix):
        return [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name=f"{prefix}_confirm",
            )
        ]

    def job_context(self, request, job):
        return {
            "confirm_url": reverse("admin:wordpress_importjob_confirm", args=[job.pk]),
            "can_confirm": job.status == Status.CHECKED and not job.confirmed,
        }

    def confirm_view(self, request, object_id):
        job = self.job_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if jobs.import_job_confirm(job=job, user=request.user):
            self.log_change(request, job, _("Import confirmed"))
            messages.success(request, _("The import is queued: the worker will run it."))
        else:
            messages.warning(request, _("This import is not waiting for a confirmation."))
        return redirect(job.get_absolute_url())

    def add_view(self, request, form_url="", extra_context=None):
        self.check_allowed(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = jobs.import_job_create(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    export_file=form.cleaned_data["export"],
                    media_zip=form.cleaned_data["media"],
                    map_file=form.cleaned_data["map"],
                    keep_remote_images=form.cleaned_data["keep_remote_images"],
                    menu_locations=form.menu_locations(),
                )
            except job_files.MovingRootRefused as exc:
                form.add_error(None, str(exc))
            else:
                self.log_addition(request, job, _("Uploaded; dry run queued"))
                messages.success(request, _("Uploaded: the dry run is queued."))
                return redirect(job.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a WordPress or Disqus export"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/wordpress/importjob/upload.html", context)


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    permission = "wordpress.run_export"

    def extra_urls(self, prefix):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name=f"{prefix}_download",
            )
        ]

    def job_context(self, request, job):
        return {
            "download_url": reverse("admin:wordpress_exportjob_download", args=[job.pk])
            if self.downloadable(job)
            else ""
        }

    @staticmethod
    def downloadable(job: ExportJob) -> bool:
        return (
            job.status == Status.DONE
            and job.expires_at is not None
            and job.expires_at > timezone.now()
        )

    def download_view(self, request, object_id):
        job = self.job_or_404(request, object_id)
        if not self.downloadable(job):
            raise Http404
        try:
            file = (job_files.folder_path(job.folder) / job_files.SITE_ZIP).open("rb")
        except OSError:
            raise Http404 from None
        name = f"site-export-{timezone.localtime(job.created):%Y-%m-%d-%H%M}.zip"
        response = FileResponse(file, as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        logger.info("Export %s downloaded by %s", job.pk, request.user)
        return response

    def add_view(self, request, form_url="", extra_context=None):
        self.check_allowed(request)
        if request.method == "POST":
            try:
                job = jobs.export_job_create(user=request.user)
            except job_files.MovingRootRefused as exc:
                messages.error(request, str(exc))
            else:
                self.log_addition(request, job, _("Export asked"))
                messages.success(request, _("The export is queued: the worker will make it."))
                return redirect(job.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export the whole site"),
            "opts": self.opts,
            "keep_hours": conf.get("MOVING_EXPORT_KEEP_HOURS"),
        }
        return TemplateResponse(request, "admin/wordpress/exportjob/start.html", context)
