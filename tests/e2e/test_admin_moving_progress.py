"""The progress bar of an import in a real browser, under the admin's CSP: it follows the
worker's progress without a reload, and the page shows the summary once the job is done."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.e2e.conftest import PASSWORD, RECORD_VIOLATIONS, log_in
from tests.factories import make_user
from wordpress import job_files
from wordpress.models import ImportJob

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def progress(job, items: int) -> None:
    path = job_files.folder_path(job.folder) / job_files.PROGRESS_FILE
    path.write_text(json.dumps({"read": {"items": items, "comments": 0}}))


def running_import(settings, tmp_path) -> ImportJob:
    """A confirmed import the worker is running, whose dry run read 200 items; and who may
    follow it (importatrice)."""
    settings.MOVING_ROOT = tmp_path / "moving"
    user = make_user(username="importatrice", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="run_import"))
    return ImportJob.objects.create(
        kind="wordpress",
        file_name="magazine.xml",
        folder=job_files.new_folder("import"),
        status="running",
        confirmed=True,
        started_at=timezone.now(),
        dry_run_summary={"read": [["items", 200], ["comments", 0]]},
    )


def finish(job) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status="done",
        finished_at=timezone.now(),
        summary={
            "read": [["items", 200], ["comments", 0]],
            "tallies": [["articles", {"created": 7, "updated": 0, "unchanged": 0, "skipped": 0}]],
        },
        report="WordPress import from https://rivista.example",
    )


def test_the_bar_follows_the_worker_and_the_summary_replaces_it(page, settings, tmp_path):
    job = running_import(settings, tmp_path)
    progress(job, 50)
    page.add_init_script(RECORD_VIOLATIONS)

    log_in(page, "importatrice", next_path=job.get_absolute_url())
    bar = page.locator(".moving-progress progress")
    assert bar.get_attribute("value") == "25"

    progress(job, 150)
    page.locator('.moving-progress progress[value="75"]').wait_for()  # set by the script
    assert "150 elementi" in page.locator("[data-moving-read]").inner_text()

    finish(job)
    page.get_by_role("heading", name="Riepilogo").wait_for()
    assert page.locator(".moving-progress").count() == 0
    assert page.locator("table.moving-summary th[scope=row]").inner_text() == "articoli"
    assert page.evaluate("window.__cspViolations") == []


def test_without_javascript_the_page_refreshes_itself_until_the_summary(
    page_without_js, settings, tmp_path
):
    page = page_without_js
    job = running_import(settings, tmp_path)
    progress(job, 100)
    log_in(page, "importatrice", next_path=job.get_absolute_url())
    assert page.locator(".moving-progress progress").get_attribute("value") == "50"
    assert page.get_by_role("link", name="Aggiorna ora").is_visible()

    finish(job)

    page.get_by_role("heading", name="Riepilogo").wait_for()  # the meta refresh, every 3 s
    assert page.locator(".moving-progress").count() == 0
