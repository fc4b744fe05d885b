"""Imports from the admin: upload (checked), dry run in the worker, confirm, the import in the
worker with its progress, the summary kept on the page; failures shown, never a 500."""

import io
import json
import os
import struct
import time
import zipfile
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from pages.models import Menu
from tests.conftest import media_files, run_worker
from tests.factories import make_image_bytes
from tests.wordpress.conftest import FIXTURES, mover, run_import, staff_browser
from tests.wordpress.test_hosted_uploads import FILES
from tests.wordpress.test_menus import export as menus_export
from wordpress import conf, job_files, jobs
from wordpress.job_run import expire_files
from wordpress.models import ImportedFile, ImportJob, WordPressObject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moving_root")]

ADD = reverse("admin:wordpress_importjob_add")
MAGAZINE = FIXTURES / "magazine.xml"


@pytest.fixture
def importer():
    return mover("run_import")


@pytest.fixture
def client_token(importer):
    return staff_browser(importer)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_upload(client_token, *, kind="wordpress", export=None, **files):
    client, token = client_token
    data = {"kind": kind, "csrfmiddlewaretoken": token, **files}
    data["export"] = export or upload("magazine.xml", MAGAZINE.read_bytes())
    return client.post(ADD, data)


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def job_page(client, job) -> str:
    response = client.get(job.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def confirm(client_token, job, django_capture_on_commit_callbacks):
    client, token = client_token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:wordpress_importjob_confirm", args=[job.pk]),
            {"csrfmiddlewaretoken": token},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    return job


# Upload checks: nothing is kept of a refused upload.


def assert_refused(response, message: str, moving_root):
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not moving_root.exists() or not any(moving_root.iterdir())


def test_a_file_that_is_not_xml_is_refused_with_the_choice_kept(
    client_token, moving_root, settings
):
    settings.LANGUAGE_CODE = "en"
    response = post_upload(
        client_token, kind="disqus", export=upload("export.xml", b"PK\x03\x04 a zip really")
    )

    assert_refused(response, "This is not an XML file.", moving_root)
    assert b'value="disqus" required id="id_kind_1" checked' in response.content


def test_an_xml_file_that_is_not_a_wordpress_export_is_refused(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    response = post_upload(client_token, export=upload("x.xml", b"<?xml version='1.0'?><a/>"))

    assert_refused(response, "This XML file is not a WordPress export", moving_root)


def test_an_export_bigger_than_the_limit_is_refused(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.MOVING_MAX_EXPORT_BYTES = 1000

    response = post_upload(client_token)

    assert_refused(response, "this site takes at most 1000", moving_root)


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"../../outside.jpg": b"x"}, "a path leading outside its folder: ../../outside.jpg"),
        ({"2019/../../outside.jpg": b"x"}, "a path leading outside its folder"),
        ({"/etc/cron.d/evil": b"x"}, "a path leading outside its folder: /etc/cron.d/evil"),
        ({"C:\\evil.jpg": b"x"}, "a path leading outside its folder"),
        ({"2019\\..\\..\\evil.jpg": b"x"}, "a path leading outside its folder"),
    ],
)
def test_a_zip_slip_is_refused(client_token, moving_root, settings, entries, message):
    settings.LANGUAGE_CODE = "en"
    response = post_upload(client_token, media=upload("uploads.zip", zip_of(entries)))

    assert_refused(response, message, moving_root)


def test_a_zip_with_a_symbolic_link_is_refused(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("2019/05/passwd.jpg")
        link.create_system = 3
        link.external_attr = (0o120777 << 16) | 0x20  # a Unix symlink
        archive.writestr(link, "/etc/passwd")

    response = post_upload(client_token, media=upload("uploads.zip", buffer.getvalue()))

    assert_refused(response, "a symbolic link: 2019/05/passwd.jpg", moving_root)


def test_a_zip_unpacking_to_too_much_is_refused(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.MOVING_MAX_UNPACKED_BYTES = 1_000_000
    bomb = zip_of({"2019/05/zeros.jpg": bytes(2_000_000)})  # a few kilobytes, two megabytes out
    assert len(bomb) < 10_000

    response = post_upload(client_token, media=upload("uploads.zip", bomb))

    assert_refused(response, "once unpacked; this site takes at most", moving_root)


def test_a_zip_of_too_many_files_is_refused(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    settings.MOVING_MAX_ZIP_FILES = 3
    entries = {f"2019/05/{n}.jpg": b"x" for n in range(4)}

    response = post_upload(client_token, media=upload("uploads.zip", zip_of(entries)))

    assert_refused(response, "The zip holds 4 files; this site takes at most 3.", moving_root)


def test_a_file_that_is_not_a_zip_is_refused_as_the_uploads(client_token, moving_root, settings):
    settings.LANGUAGE_CODE = "en"
    response = post_upload(client_token, media=upload("uploads.zip", b"not a zip at all"))

    assert_refused(response, "This is not a zip file.", moving_root)


def test_a_moving_root_the_site_serves_is_refused_with_a_message(client_token, settings):
    settings.LANGUAGE_CODE = "en"
    settings.MOVING_ROOT = settings.MEDIA_ROOT / "private"

    response = post_upload(client_token)

    assert response.status_code == 200
    assert "is inside MEDIA_ROOT, a folder the site serves" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (settings.MEDIA_ROOT / "private").exists()


def test_zip_entries_leading_out_are_told_from_safe_ones():
    assert job_files.entry_parts("wp-content/uploads/2019/05/a.jpg") == [
        "wp-content", "uploads", "2019", "05", "a.jpg"
    ]  # fmt: skip
    assert job_files.entry_parts("./2019//05/a.jpg") == ["2019", "05", "a.jpg"]
    for name in ("../a", "a/../../b", "/a", "\\a", "C:a", "a\\..\\..\\b", "a\x00b"):
        assert job_files.entry_parts(name) is None, name


def test_a_zip_lying_about_its_sizes_fails_in_the_worker_and_imports_nothing(
    client_token, moving_root, django_capture_on_commit_callbacks, settings
):
    """The sizes a zip declares pass the form's check; the worker believes them only up to
    the bytes it actually writes."""
    settings.LANGUAGE_CODE = "en"
    lying = bytearray(zip_of({"2024/05/spiaggia.jpg": bytes(50_000)}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # say 100 bytes
        at = lying.find(signature) + offset
        lying[at : at + 4] = struct.pack("<I", 100)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token, media=upload("uploads.zip", bytes(lying)))

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "The zip of uploads cannot be unpacked" in job.error
    assert not Article.objects.exists()
    assert not (moving_root / job.folder / job_files.UNPACKED_DIR).exists()


def test_a_moving_root_the_site_serves_fails_the_system_check(settings):
    settings.MOVING_ROOT = settings.STATIC_ROOT / "moving"

    errors = job_files.check_moving_root()

    assert [error.id for error in errors] == ["wordpress.E001"]


# The dry run, the confirmation, the import.


def test_the_dry_run_creates_nothing_and_shows_the_summary(
    client_token, moving_root, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client_token)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.CHECKED
    assert not job.confirmed
    assert not Article.objects.exists()
    assert not Comment.objects.exists()
    assert not WordPressObject.objects.exists()
    assert "DRY RUN, nothing was saved" in job.dry_run_report
    tallies = dict(job.dry_run_summary["tallies"])
    assert tallies["articles"]["created"] > 0
    page = job_page(client_token[0], job)
    assert "Dry run: nothing was saved" in page
    assert "Confirm and import" in page
    assert f'<th scope="row">articles</th><td>{tallies["articles"]["created"]}</td>' in page
    # The uploaded export waits in the job's private folder, nowhere the site serves.
    assert (moving_root / job.folder / "export" / "magazine.xml").is_file()
    assert not any(settings.MEDIA_ROOT.rglob("*.xml")) if settings.MEDIA_ROOT.exists() else True


def test_the_confirmed_import_runs_and_the_summary_stays_on_the_page(
    client_token, importer, moving_root, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token)
    job = ImportJob.objects.get()
    dry_articles = dict(job.dry_run_summary["tallies"])["articles"]["created"]

    job = confirm(client_token, job, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE
    assert job.confirmed_by == importer
    assert Article.objects.count() == dry_articles
    assert dict(job.summary["tallies"])["articles"]["created"] == dry_articles
    assert "DRY RUN" not in job.report
    page = job_page(client_token[0], job)
    assert "Summary" in page and "Confirm and import" not in page
    assert f'<th scope="row">articles</th><td>{dry_articles}</td>' in page
    assert 'http-equiv="refresh"' not in page
    # The originals are deleted once imported; who asked and who confirmed is in the history.
    assert not (moving_root / job.folder).exists()
    assert list(LogEntry.objects.filter(object_id=str(job.pk)).values_list("user", flat=True)) == [
        importer.pk,
        importer.pk,
    ]


def test_a_second_confirmation_runs_nothing_twice(client_token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token)
    job = confirm(client_token, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    count = Article.objects.count()

    confirm(client_token, job, django_capture_on_commit_callbacks)

    assert Article.objects.count() == count
    assert ImportJob.objects.get().attempts == 1  # the import's, once


def test_the_uploads_zip_brings_the_images_in(
    client_token, moving_root, django_capture_on_commit_callbacks, one_rendition_width, settings
):
    entries = {
        f"my-site/wp-content/uploads/{path}": make_image_bytes(size=size)
        for path, size in FILES.items()
    }
    media = upload("uploads.zip", zip_of(entries))
    export = upload("wordpress-com.xml", (FIXTURES / "wordpress-com.xml").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token, export=export, media=media)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED, job.error
    assert job.dry_run_summary["uploads"]["found"] == len(FILES)
    assert not ImportedFile.objects.exists()
    assert media_files(settings) == []  # the dry run checks the images, writes none

    job = confirm(client_token, job, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE, job.error
    assert job.summary["uploads"] == {"found": 4, "imported": 4, "missing": 1}
    assert set(ImportedFile.objects.values_list("path", flat=True)) <= set(FILES)
    assert ImportedFile.objects.exists()
    assert not (moving_root / job.folder).exists()  # the unpacked originals are gone


def test_a_menu_is_placed_where_the_editor_says_as_with_the_command(
    client_token, tmp_path, django_capture_on_commit_callbacks
):
    path = menus_export(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(
            client_token,
            export=upload("menus.xml", path.read_bytes()),
            menu_footer="link-utili",
        )
    job = confirm(client_token, ImportJob.objects.get(), django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE, job.error
    assert job.menu_locations == {"footer": "link-utili"}
    assert set(Menu.objects.values_list("location", flat=True)) == {"header", "footer"}
    assert "no place for it here" in job.report  # the third menu, as the command says


def test_a_disqus_export_is_imported_the_same_way(client_token, django_capture_on_commit_callbacks):
    run_import(MAGAZINE)
    export = upload("disqus.xml", (FIXTURES / "disqus.xml").read_bytes())
    comments = Comment.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token, kind="disqus", export=export)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED, job.error
    assert Comment.objects.count() == comments

    job = confirm(client_token, job, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE, job.error
    created = dict(job.summary["tallies"])["comments"]["created"]
    assert created > 0
    assert Comment.objects.count() == comments + created


def test_malformed_xml_fails_the_job_with_line_and_column_and_imports_nothing(
    client_token, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    export = upload("truncated.xml", (FIXTURES / "truncated.xml").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token, export=export)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "truncated.xml is not well-formed XML at line" in job.error
    assert ", column " in job.error
    assert not Article.objects.exists()
    page = job_page(client_token[0], job)
    assert job.error.split(" (")[0] in page
    assert "Confirm and import" not in page


def test_an_unexpected_error_fails_the_job_never_a_500_and_it_can_be_retried(
    client_token, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.LANGUAGE_CODE = "en"

    def crash(**options):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("wordpress.job_run.wordpress_import", crash)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client_token)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error (RuntimeError)" in job.error
    assert "Retry" in job_page(client_token[0], job)

    monkeypatch.undo()
    client, token = client_token
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:wordpress_importjob_retry", args=[job.pk]),
            {"csrfmiddlewaretoken": token},
        )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert job.error == ""
    assert job.attempts == 2


def test_a_job_whose_worker_died_can_be_retried(
    client_token, importer, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    job = jobs.import_job_create(
        user=importer, kind="wordpress", export_file=upload("magazine.xml", MAGAZINE.read_bytes())
    )  # queued; no worker took it here (on_commit not run)
    long_ago = timezone.now() - timedelta(seconds=conf.get("MOVING_STALE_SECONDS") + 60)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=long_ago)
    progress = job_files.folder_path(job.folder) / job_files.PROGRESS_FILE
    progress.write_text('{"read": {"items": 3}}')
    os.utime(progress, (long_ago.timestamp(), long_ago.timestamp()))
    job.refresh_from_db()

    page = job_page(client_token[0], job)
    assert "No worker has given a sign of life" in page
    assert "Retry" in page

    client, token = client_token
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:wordpress_importjob_retry", args=[job.pk]),
            {"csrfmiddlewaretoken": token},
        )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert not Article.objects.exists()


def test_a_job_no_worker_took_says_so_and_can_be_queued_again(
    client_token, importer, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    job = jobs.import_job_create(
        user=importer, kind="wordpress", export_file=upload("magazine.xml", MAGAZINE.read_bytes())
    )  # queued; its task was lost (on_commit not run)
    long_ago = timezone.now() - timedelta(seconds=conf.get("MOVING_STALE_SECONDS") + 60)
    ImportJob.objects.filter(pk=job.pk).update(updated=long_ago)
    job.refresh_from_db()
    assert "No worker has taken this job for several minutes" in job_page(client_token[0], job)

    client, token = client_token
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:wordpress_importjob_retry", args=[job.pk]),
            {"csrfmiddlewaretoken": token},
        )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED, job.error
    assert job.attempts == 1


def test_a_running_job_with_a_live_worker_cannot_be_retried_or_deleted(client_token, importer):
    job = jobs.import_job_create(
        user=importer, kind="wordpress", export_file=upload("magazine.xml", MAGAZINE.read_bytes())
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
    (job_files.folder_path(job.folder) / job_files.PROGRESS_FILE).write_text("{}")
    client, token = client_token

    client.post(
        reverse("admin:wordpress_importjob_retry", args=[job.pk]), {"csrfmiddlewaretoken": token}
    )
    deleting = client.post(
        reverse("admin:wordpress_importjob_delete", args=[job.pk]),
        {"csrfmiddlewaretoken": token, "post": "yes"},
    )

    assert ImportJob.objects.get().status == "running"
    assert deleting.status_code == 403


def test_the_files_of_an_import_never_confirmed_are_deleted_after_their_time(
    client_token, importer, moving_root, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client_token)
    job = ImportJob.objects.get()
    assert (moving_root / job.folder).is_dir()
    days = conf.get("MOVING_UPLOAD_KEEP_DAYS")

    assert expire_files(timezone.now() + timedelta(days=days - 1)) == 0
    assert expire_files(timezone.now() + timedelta(days=days + 1)) == 1

    job.refresh_from_db()
    assert job.status == ImportJob.Status.EXPIRED
    assert not (moving_root / job.folder).exists()
    assert "Confirm and import" not in job_page(client_token[0], job)
    assert job.dry_run_summary  # what the dry run found stays on the page


# Progress.


def test_the_progress_of_a_running_import_is_shown_with_and_without_script(client_token, importer):
    job = jobs.import_job_create(
        user=importer, kind="wordpress", export_file=upload("magazine.xml", MAGAZINE.read_bytes())
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        confirmed=True,
        started_at=timezone.now(),
        dry_run_summary={"read": [["items", 200], ["comments", 50]]},
    )
    (job_files.folder_path(job.folder) / job_files.PROGRESS_FILE).write_text(
        json.dumps({"read": {"items": 50, "comments": 10}})
    )
    job.refresh_from_db()
    client = client_token[0]

    answer = client.get(reverse("admin:wordpress_importjob_progress", args=[job.pk])).json()
    page = job_page(client, job)

    assert answer["active"] is True
    assert answer["percent"] == 25
    assert answer["read"] == "50 elementi, 10 commenti"
    assert '<progress aria-labelledby="progress-heading" max="100" value="25">' in page
    assert "50 elementi, 10 commenti" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "js/admin-moving-progress.js" in page
    assert "<script>" not in page  # nothing inline: the page keeps the strict CSP


def test_the_progress_file_is_written_as_the_report_counts_and_kept_alive(moving_root):
    folder = job_files.new_folder("import")

    class Report:
        reading = ("items", "comments")
        read = {"items": 100, "comments": 7}

    with job_files.ProgressFile(folder, beat_seconds=0.05) as progress:
        progress(Report)
        os.utime(progress.path, (0, 0))
        time.sleep(0.3)
        alive = job_files.seconds_since_sign_of_life(folder)

    assert job_files.read_progress(folder) == {"read": {"items": 100, "comments": 7}}
    assert alive < 5


# The real queue: the worker's task, run by `manage.py worker`.


def test_upload_and_confirm_run_through_the_worker(database_tasks, moving_root, importer, settings):
    settings.LANGUAGE_CODE = "en"
    client, token = staff_browser(importer)
    client.post(
        ADD,
        {
            "kind": "wordpress",
            "csrfmiddlewaretoken": token,
            "export": upload("magazine.xml", MAGAZINE.read_bytes()),
        },
    )
    job = ImportJob.objects.get()
    assert job.status == "queued"
    assert "Waiting for a background worker" in job_page(client, job)

    run_worker()
    job.refresh_from_db()
    assert job.status == "checked", job.error
    assert not Article.objects.exists()

    client.post(
        reverse("admin:wordpress_importjob_confirm", args=[job.pk]), {"csrfmiddlewaretoken": token}
    )
    assert ImportJob.objects.get().status == "queued"
    run_worker()

    job.refresh_from_db()
    assert job.status == "done", job.error
    assert Article.objects.exists()
