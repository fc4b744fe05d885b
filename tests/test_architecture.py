"""The allowed arrows between our apps (ARCHITECTURE.md), read from every module with `ast`.

An app imports only the apps listed for it, and never another app's underscore names (a private
function, or a module such as `_privacy`). config may import anything: it composes the site.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Keep in step with ARCHITECTURE.md. Apps not created yet are listed so their arrows hold from
# their first commit.
ALLOWED = {
    "core": set(),
    "media": {"core"},
    "blog": {"core", "media"},
    "comments": {"core", "blog", "media"},
    "newsletter": {"core", "blog", "media"},
    "contact": {"core", "blog"},
    "readership": {"core", "blog"},
    "wordpress": {"core", "media", "blog", "comments", "newsletter", "contact"},
}
COMPOSERS = {"config"}  # may import every app
APPS = set(ALLOWED) | COMPOSERS


def imported_modules(tree: ast.AST):
    """(line, module, names) for every absolute import anywhere in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def violations(source: str, app: str, where: str = "<module>") -> list[str]:
    """What in one module of `app` breaks the arrows or reaches for another app's private name."""
    found = []
    for line, module, names in imported_modules(ast.parse(source)):
        parts = module.split(".")
        target = parts[0]
        if target not in APPS or target == app:
            continue
        if app not in COMPOSERS and target not in ALLOWED[app]:
            found.append(f"{where}:{line}: {app} may not import {target} ({module})")
        private = [p for p in parts[1:] if _private(p)] + [n for n in names if _private(n)]
        if private:
            found.append(f"{where}:{line}: {app} imports {target}'s private {', '.join(private)}")
    return found


def app_modules():
    for app in sorted(APPS):
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def test_every_import_between_apps_follows_the_allowed_arrows():
    found = []
    for app, path in app_modules():
        found += violations(path.read_text(), app, str(path.relative_to(ROOT)))
    assert found == []


def test_the_check_reads_the_apps_it_guards():
    read = {app for app, _ in app_modules()}
    assert {"core", "blog", "comments", "newsletter", "wordpress", "config"} <= read


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("blog", "from comments.models import Comment"),
        ("blog", "def f():\n    import newsletter.services\n"),
        ("core", "from blog import models"),
        ("comments", "from newsletter.models import Subscriber"),
        ("newsletter", "from comments import privacy"),
        ("media", "from blog.models import Article"),
        ("contact", "from comments import conf"),
        ("wordpress", "from comments.services import _lock"),
        ("comments", "from blog.management.commands._helpers import x"),
    ],
)
def test_a_forbidden_import_is_caught(app, source):
    assert violations(source, app) != []


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("comments", "from blog.models import Article"),
        ("wordpress", "from comments.services import thread_lock_for_insert"),
        ("config", "from comments import views"),
        ("core", "from django.db import models"),
        ("blog", "from blog._private import x"),  # inside its own app
        ("blog", "from . import models"),  # relative: always the app itself
    ],
)
def test_an_allowed_import_passes(app, source):
    assert violations(source, app) == []
