"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is the system one (`which chromium`); nothing is downloaded. Screenshots of failed
tests are kept under test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Chromium (apt-get install chromium)")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    # Playwright's sync API keeps an event loop in this thread while it lives; the ORM calls the
    # tests make meanwhile are still plain synchronous calls. Scoped to this module only.
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def e2e_settings(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 1000
    return settings


def _new_page(browser, request, **context_options):
    context = browser.new_context(locale="it-IT", **context_options)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def page(browser, request, live_server, e2e_settings):
    yield from _new_page(browser, request)


@pytest.fixture
def page_without_js(browser, request, live_server, e2e_settings):
    yield from _new_page(browser, request, java_script_enabled=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
