"""Only superusers and holders of wordpress.run_import / run_export reach the admin's imports
and exports: a staff member without the permission gets 403 on every view and every action,
and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_user
from tests.wordpress.conftest import FIXTURES, mover, staff_browser
from wordpress import jobs
from wordpress.models import ExportJob, ImportJob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moving_root")]


@pytest.fixture
def import_job():
    export = SimpleUploadedFile("magazine.xml", (FIXTURES / "magazine.xml").read_bytes())
    job = jobs.import_job_create(user=None, kind="wordpress", export_file=export)
    ImportJob.objects.filter(pk=job.pk).update(status="checked")
    return job


@pytest.fixture
def export_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.export_job_create(user=None)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job


def import_requests(job):
    def url(name):
        return reverse(f"admin:wordpress_importjob_{name}", args=[job.pk])

    upload = {"kind": "wordpress"}
    return [
        ("get", reverse("admin:wordpress_importjob_changelist"), {}),
        ("get", reverse("admin:wordpress_importjob_add"), {}),
        ("post", reverse("admin:wordpress_importjob_add"), upload),
        ("get", url("change"), {}),
        ("get", url("progress"), {}),
        ("post", url("confirm"), {}),
        ("post", url("retry"), {}),
        ("get", url("delete"), {}),
        ("post", url("delete"), {"post": "yes"}),
        ("get", url("history"), {}),
    ]


def export_requests(job):
    def url(name):
        return reverse(f"admin:wordpress_exportjob_{name}", args=[job.pk])

    return [
        ("get", reverse("admin:wordpress_exportjob_changelist"), {}),
        ("get", reverse("admin:wordpress_exportjob_add"), {}),
        ("post", reverse("admin:wordpress_exportjob_add"), {}),
        ("get", url("change"), {}),
        ("get", url("progress"), {}),
        ("get", url("download"), {}),
        ("post", url("retry"), {}),
        ("get", url("delete"), {}),
        ("post", url("delete"), {"post": "yes"}),
        ("get", url("history"), {}),
    ]


def answers(user, requests) -> list[tuple[str, str, int]]:
    client, token = staff_browser(user)
    found = []
    for method, url, data in requests:
        if method == "post":
            response = client.post(url, {**data, "csrfmiddlewaretoken": token})
        else:
            response = client.get(url)
        found.append((method, url, response.status_code))
    return found


@pytest.mark.parametrize("permissions", [(), ("run_export",)])
def test_staff_without_run_import_get_403_on_every_import_view_and_action(permissions, import_job):
    requests = import_requests(import_job)

    found = answers(mover(*permissions), requests)

    assert found == [(method, url, 403) for method, url, _ in requests]
    job = ImportJob.objects.get()
    assert (job.status, job.confirmed) == ("checked", False)


@pytest.mark.parametrize("permissions", [(), ("run_import",)])
def test_staff_without_run_export_get_403_on_every_export_view_and_action(permissions, export_job):
    requests = export_requests(export_job)

    found = answers(mover(*permissions), requests)

    assert found == [(method, url, 403) for method, url, _ in requests]
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [export_job.pk]


def test_someone_not_staff_is_sent_to_the_login_page(export_job):
    user = make_user(is_staff=False)
    user.user_permissions.add(*mover("run_export").user_permissions.all())
    client, _ = staff_browser(user)

    response = client.get(reverse("admin:wordpress_exportjob_download", args=[export_job.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_permission_opens_the_pages_and_the_admin_lists_them(import_job, export_job):
    importer, exporter = mover("run_import"), mover("run_export")
    superuser, nobody = make_user(is_superuser=True), mover()

    assert [s for *_, s in answers(importer, import_requests(import_job)[:2])] == [200, 200]
    assert [s for *_, s in answers(exporter, export_requests(export_job)[:2])] == [200, 200]
    index = {}
    for user in (importer, exporter, superuser, nobody):
        client, _ = staff_browser(user)
        index[user] = client.get(reverse("admin:index")).content.decode()
    imports, exports = (
        reverse("admin:wordpress_importjob_changelist"),
        reverse("admin:wordpress_exportjob_changelist"),
    )
    assert imports in index[importer] and exports not in index[importer]
    assert exports in index[exporter] and imports not in index[exporter]
    assert imports in index[superuser] and exports in index[superuser]
    assert imports not in index[nobody] and exports not in index[nobody]
