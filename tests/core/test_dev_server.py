"""In development, links in emails point at the address served: `make run PORT=8101` writes
http://127.0.0.1:8101/... links, unless SITE_URL says otherwise."""

import subprocess

import pytest
from django.core.management import call_command

from core.dev_server import served_site_url, site_url_from_command_line
from core.management.commands import runserver_with_worker
from tests.test_settings import run_python


@pytest.mark.parametrize(
    ("addrport", "site_url"),
    [
        ("8101", "http://127.0.0.1:8101"),
        ("127.0.0.1:8101", "http://127.0.0.1:8101"),
        ("0:8101", "http://127.0.0.1:8101"),
        ("0.0.0.0:8101", "http://127.0.0.1:8101"),
        ("localhost:9000", "http://localhost:9000"),
        ("[::1]:8101", "http://[::1]:8101"),
        ("[::]:8101", "http://[::1]:8101"),
        ("not an address", None),
    ],
)
def test_the_address_served_as_a_browser_here_opens_it(addrport, site_url):
    assert served_site_url(addrport) == site_url


def test_only_a_command_that_serves_gives_the_site_its_address():
    assert site_url_from_command_line(["manage.py", "runserver"]) == "http://127.0.0.1:8000"
    assert (
        site_url_from_command_line(["manage.py", "runserver", "--noreload", "0:8101"])
        == "http://127.0.0.1:8101"
    )
    assert site_url_from_command_line(["manage.py", "worker"]) is None
    assert site_url_from_command_line(["manage.py", "migrate", "8101"]) is None


SITE_URL_UNDER = (
    "import sys; sys.argv = {argv!r}; import django, os; "
    "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
    "from django.conf import settings; print(settings.SITE_URL)"
)


def test_runserver_on_another_port_gives_the_settings_that_address():
    result = run_python(SITE_URL_UNDER.format(argv=["manage.py", "runserver", "8101"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8101"


def test_a_site_url_that_is_set_wins_over_the_address_served():
    code = SITE_URL_UNDER.format(argv=["manage.py", "runserver", "8101"])
    result = run_python(code, SITE_URL="http://rivista.test:8000")
    assert result.stdout.strip() == "http://rivista.test:8000", result.stderr


def test_another_command_keeps_the_default_address():
    result = run_python(SITE_URL_UNDER.format(argv=["manage.py", "worker"]))
    assert result.stdout.strip() == "http://127.0.0.1:8000", result.stderr


class FinishedProcess:
    def __init__(self, command, env):
        self.command, self.env = command, env

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def started(monkeypatch):
    processes = []

    def popen(command, env=None, **kwargs):
        processes.append(FinishedProcess(command, env))
        return processes[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(runserver_with_worker.signal, "signal", lambda *args: None)
    return processes


def test_make_run_on_another_port_gives_the_worker_and_the_server_that_address(
    started, monkeypatch
):
    monkeypatch.delenv("SITE_URL", raising=False)

    call_command("runserver_with_worker", "127.0.0.1:8101")

    assert [process.command[-1] for process in started] == ["worker", "127.0.0.1:8101"]
    assert [process.env["SITE_URL"] for process in started] == ["http://127.0.0.1:8101"] * 2


def test_make_run_keeps_a_site_url_that_is_set(started, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://anteprima.rivista.test")

    call_command("runserver_with_worker", "8101")

    assert {process.env["SITE_URL"] for process in started} == {"https://anteprima.rivista.test"}
