"""The site export from the admin: made by the worker, a download link when ready, served only
to permitted staff through a view, deleted after its time or with its job."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from tests.wordpress.conftest import FIXTURES, mover, run_import, staff_browser
from wordpress import job_files
from wordpress.job_run import expire_files
from wordpress.models import ExportJob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moving_root")]

ADD = reverse("admin:wordpress_exportjob_add")


@pytest.fixture
def exporter():
    return mover("run_export")


def make_export(user, django_capture_on_commit_callbacks) -> ExportJob:
    client, token = staff_browser(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"csrfmiddlewaretoken": token})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    return job


def test_the_export_is_made_by_the_worker_and_downloaded_from_its_page(
    exporter, moving_root, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    run_import(FIXTURES / "magazine.xml")

    job = make_export(exporter, django_capture_on_commit_callbacks)

    assert job.status == "done", job.error
    assert job.created_by == exporter
    assert dict(job.summary["tallies"])["articles"]["created"] == Article.objects.count()
    client, _ = staff_browser(exporter)
    page = client.get(job.get_absolute_url()).content.decode()
    download = reverse("admin:wordpress_exportjob_download", args=[job.pk])
    assert f'href="{download}"' in page
    assert "keep it private" in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="site-export-')
    assert response["Cache-Control"].startswith("private, no-store")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert {"wordpress.xml", "site.json"} <= set(names)
    assert b"<wp:wxr_version>1.2</wp:wxr_version>" in archive.read("wordpress.xml")
    # Made and kept in the private folder, nowhere the site serves.
    assert (moving_root / job.folder / job_files.SITE_ZIP).is_file()
    assert not list(settings.MEDIA_ROOT.rglob("*.zip"))
    assert not (moving_root / job.folder / job_files.SITE_DIR).exists()


def test_an_export_past_its_time_is_neither_served_nor_kept(
    exporter, moving_root, django_capture_on_commit_callbacks
):
    job = make_export(exporter, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client, _ = staff_browser(exporter)

    refused = client.get(reverse("admin:wordpress_exportjob_download", args=[job.pk]))
    expired = expire_files()

    assert refused.status_code == 404
    assert expired == 1
    assert ExportJob.objects.get().status == "expired"
    assert not (moving_root / job.folder).exists()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert reverse("admin:wordpress_exportjob_download", args=[job.pk]) not in page.content.decode()


def test_deleting_an_export_deletes_its_file(
    exporter, moving_root, django_capture_on_commit_callbacks
):
    job = make_export(exporter, django_capture_on_commit_callbacks)
    client, token = staff_browser(exporter)

    response = client.post(
        reverse("admin:wordpress_exportjob_delete", args=[job.pk]),
        {"csrfmiddlewaretoken": token, "post": "yes"},
    )

    assert response.status_code == 302
    assert not ExportJob.objects.exists()
    assert not (moving_root / job.folder).exists()


def test_a_failed_export_is_shown_and_can_be_retried(
    exporter, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.LANGUAGE_CODE = "en"

    def crash(**options):
        raise OSError("No space left on device")

    monkeypatch.setattr("wordpress.job_run.site_export", crash)
    job = make_export(exporter, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed"
    client, token = staff_browser(exporter)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "unexpected error (OSError)" in page
    assert "Retry" in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:wordpress_exportjob_retry", args=[job.pk]),
            {"csrfmiddlewaretoken": token},
        )

    job.refresh_from_db()
    assert job.status == "done", job.error
    download = reverse("admin:wordpress_exportjob_download", args=[job.pk])
    assert client.get(download).status_code == 200
