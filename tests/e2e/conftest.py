"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is the system one (`which chromium`); nothing is downloaded. Screenshots of failed
tests are kept under test-artifacts/. axe-core (accessibility) comes from the npm registry through
`make axe`; without it the axe tests skip, except in CI where they fail.
"""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest

from tests.factories import make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# The password log_in types, and the editor editor_page makes.
PASSWORD = "una-password-piuttosto-lunga-42"
EDITOR = "redattrice"
# Every violation the page itself sees, beside what the console says.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(items):
    """A browser module's tests run on one pytest-xdist worker (--dist loadgroup), which starts
    Chromium once for them (the browser fixture is per module), and are marked slow."""
    here = Path(__file__).resolve().parent
    for item in items:
        if item.path.parent == here:
            item.add_marker(pytest.mark.xdist_group(f"e2e-{item.path.stem}"))
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser build, installed from the npm registry by `make axe`."""
    if not AXE_SCRIPT.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide axe-core at {AXE_SCRIPT}: run `make axe`")
        pytest.skip("axe-core is not installed: run `make axe` (npm ci in tests/e2e)")
    return AXE_SCRIPT


# The data migrations that make the editorial groups (Editors, Authors, Moderators).
# Every data migration that makes a group or grants it permissions, with its function.
GROUP_MIGRATIONS = [
    ("blog", "0002_editorial_groups", "create_groups"),
    ("blog", "0006_editors_run_pages_menus_corrections", "grant"),
    ("comments", "0003_moderators_group", "create_groups"),
    ("comments", "0015_suspensions", "grant_desk"),
    ("comments", "0020_section_desks_and_hours", "grant"),
    ("media", "0002_library_permissions", "create_groups"),
    ("newsletter", "0002_editors_permissions", "grant"),
    ("newsletter", "0004_editors_send_issues", "grant"),
    ("contact", "0002_editors_read_the_inbox", "grant"),
    ("readership", "0002_editors_see_the_figures", "grant"),
    ("api", "0002_token_permissions", "grant"),
]


@pytest.fixture
def editorial_groups(transactional_db):
    """The editorial groups, made again by their data migrations' own code.

    Browser tests run on real transactions, and the flush after each one erases what data
    migrations made. serialized_rollback cannot bring it back once an earlier flush has re-created
    the content types (IntegrityError), so a test that needs a group asks for this fixture.
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state_apps = MigrationLoader(connection).project_state().apps
    for app_label, name, function in GROUP_MIGRATIONS:
        getattr(import_module(f"{app_label}.migrations.{name}"), function)(state_apps, None)


@pytest.fixture
def open_page(browser, request, live_server, e2e_settings):
    """Open a page as a new visitor (a browser context of its own: own cookies, own options).

    Relative addresses go to the live server. Every page a failed test opened is kept as a
    screenshot under test-artifacts/.
    """
    contexts = []
    # Chromium reports on the console what the Content-Security-Policy blocked: any such report
    # fails the test, once it has run.
    csp_violations = []

    def record_csp_violation(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    def open_(**context_options):
        context = browser.new_context(locale="it-IT", base_url=live_server.url, **context_options)
        context.set_default_timeout(15_000)
        context.on("console", record_csp_violation)
        contexts.append(context)
        return context.new_page()

    yield open_
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    for number, context in enumerate(contexts, start=1):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                suffix = f"-{number}" if len(contexts) > 1 else ""
                page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}.png", full_page=True)
        context.close()
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp_violations))


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def page_without_js(open_page):
    return open_page(java_script_enabled=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, username=EDITOR, *, next_path):
    """Log `username` (password PASSWORD) in through the admin's login form, on to `next_path`."""
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"**{next_path}")


def choose_author(page, author):
    """Pick `author` in the article form: the field is an autocomplete (select2), so through its
    underlying <select>."""
    page.evaluate(
        "([id, name]) => document.getElementById('id_author')"
        ".add(new Option(name, id, true, true))",
        [str(author.pk), author.display_name],
    )


@pytest.fixture
def editor_page(page, editorial_groups):
    """A page that records CSP violations in window.__cspViolations; EDITOR can log in."""
    make_user(username=EDITOR, password=PASSWORD, groups=["Editors"])
    page.add_init_script(RECORD_VIOLATIONS)
    return page
