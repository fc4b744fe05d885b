"""The allowed arrows between our apps (ARCHITECTURE.md), read from every module with `ast`.

An app imports only the apps listed for it, and never another app's underscore names (a private
function, or a module such as `_privacy`). config may import anything: it composes the site.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Keep in step with ARCHITECTURE.md. Apps not created yet are listed so their arrows hold from
# their first commit.
ALLOWED = {
    "core": set(),
    "media": {"core"},
    "blog": {"core", "media"},
    "pages": {"core", "blog", "media"},
    "comments": {"core", "blog", "media", "pages"},
    "newsletter": {"core", "blog", "media", "pages"},
    "contact": {"core", "blog", "pages"},
    "readership": {"core", "blog", "comments", "newsletter"},
    "fediverse": {"core", "blog", "comments"},
    "api": {"core", "media", "blog", "pages", "comments", "newsletter", "contact"},
    "wordpress": {"core", "media", "blog", "pages", "comments", "newsletter", "contact"},
    # The benchmarks (not tests, not shipped): they build sites and measure them through every
    # app and the composed site's URLs, like an import, but never through a private name.
    "bench": {
        "core",
        "media",
        "blog",
        "pages",
        "comments",
        "newsletter",
        "contact",
        "wordpress",
        "readership",
        "fediverse",
        "api",
    }
    | {"config"},
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
    assert {
        "core",
        "blog",
        "pages",
        "comments",
        "newsletter",
        "wordpress",
        "config",
        "bench",
    } <= read


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("blog", "from comments.models import Comment"),
        ("blog", "from pages.models import Page"),
        ("pages", "from comments import conf"),
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


# --- No import loops inside an app -------------------------------------------------------------
#
# Inside an app, modules import one way too: a loop (a imports b, b imports a, maybe through c)
# means two modules share a piece that belongs below both. Imports at module level (class bodies
# included: they run at import) must make no loop. An import inside a function runs later and
# cannot fail at import time, but it is the usual way to hide a loop rather than break it: with
# function-level imports counted too there must be no loop either, except those listed here with
# the reason they stay.
FUNCTION_LEVEL_LOOPS_ALLOWED: dict[tuple[str, ...], str] = {}


def module_files(app: str) -> dict[str, Path]:
    """Dotted name -> file, for every module of the app outside its migrations."""
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def module_imports(source: str, name: str, is_package: bool = False):
    """(imported module or name, at module level?) for every import of a module."""

    def walk(node, module_level):
        for child in ast.iter_child_nodes(node):
            inside = module_level and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, inside
            elif isinstance(child, ast.ImportFrom):
                module = _absolute(child, name, is_package)
                for alias in child.names:
                    yield f"{module}.{alias.name}", inside
            yield from walk(child, inside)

    yield from walk(ast.parse(source), True)


def _resolve(target: str, known) -> str | None:
    """The module an imported name lives in: `blog.models.Article` -> `blog.models`."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(app: str, with_function_level: bool) -> dict[str, set[str]]:
    files = module_files(app)
    graph = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        for target, module_level in module_imports(path.read_text(), name, is_package):
            if not (module_level or with_function_level):
                continue
            resolved = _resolve(target, files)
            # An app's own package (its empty __init__) is no module to loop through.
            if resolved is not None and resolved not in (name, app):
                graph[name].add(resolved)
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Each group of modules that import one another (strongly connected), sorted."""
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                loops.append(tuple(sorted(group)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(loops)


def test_no_import_loop_inside_an_app_at_module_level():
    found = {app: import_loops(import_graph(app, False)) for app in sorted(APPS)}
    assert {app: loops for app, loops in found.items() if loops} == {}


def test_function_level_imports_hide_no_loop_but_the_listed_ones():
    found = set()
    for app in sorted(APPS):
        found.update(import_loops(import_graph(app, True)))
    assert found == set(FUNCTION_LEVEL_LOOPS_ALLOWED)


def test_the_loop_finder_sees_a_loop_through_a_function_level_import(tmp_path):
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert import_loops(graph) == [("a.x", "a.y", "a.z")]
    source = "from . import y\ndef f():\n    from a.z import g\n"
    assert list(module_imports(source, "a.x")) == [("a.y", True), ("a.z.g", False)]
    assert _resolve("a.z.g", {"a.z", "a"}) == "a.z"


# --- App settings: defaults in each app's conf.py, read through it -----------------------------
#
# One way to read an app setting: `<app>.conf.get("NAME")`, which returns the Django setting when
# the project sets one and the app's default otherwise. config/settings.py overrides a default
# (from the environment, when it names the setting) and never restates one.
SETTINGS_READ_ELSEWHERE = {
    # Reshaped by the page-policy branch at the same time; its PAGE_CACHE_* defaults and
    # setting() join core/conf.py when the branches meet.
    "core/page_cache.py": "PAGE_CACHE_* defaults kept beside the page cache for now",
}


def app_defaults() -> dict[str, str]:
    """Every app default's name and the module that defines it."""
    found = {}
    for module_name in [f"{app}.conf" for app in sorted(APPS) if (ROOT / app / "conf.py").exists()]:
        for name in importlib.import_module(module_name).DEFAULTS:
            found[name] = module_name
    for name in importlib.import_module("core.page_cache").DEFAULTS:
        found[name] = "core.page_cache"
    return found


def unconditional_assignments(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def settings_reads(source: str, defaults) -> list[tuple[int, str]]:
    """Where a module reads an app setting around its conf: getattr(settings, "X", default), or
    settings.X for an X that has an app default."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) == 3
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ) or (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
            and node.attr in defaults
            and isinstance(node.ctx, ast.Load)  # setting one (a benchmark's run) is no read
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_settings_py_restates_no_app_default():
    restated = unconditional_assignments((ROOT / "config" / "settings.py").read_text())
    defaults = app_defaults()
    assert {name: defaults[name] for name in restated & set(defaults)} == {}


def test_app_settings_are_read_through_their_conf_module():
    defaults = app_defaults()
    found = []
    for app, path in app_modules():
        where = str(path.relative_to(ROOT))
        if app in COMPOSERS or path.name == "conf.py" or where in SETTINGS_READ_ELSEWHERE:
            continue
        found += [
            f"{where}:{line}: {code}" for line, code in settings_reads(path.read_text(), defaults)
        ]
    assert found == []


def test_the_settings_checks_see_a_restated_default_and_a_stray_read():
    assert unconditional_assignments("A = 1\nif x:\n    B = 2\nC: int = 3\n") == {"A", "C"}
    source = "x = settings.IMAGE_MAX_PIXELS\ny = getattr(settings, 'FOO', 1)\nz = settings.DEBUG\n"
    assert [line for line, _ in settings_reads(source, {"IMAGE_MAX_PIXELS"})] == [1, 2]


# --- Templates follow the arrows too -----------------------------------------------------------
#
# A template belongs to the app its folder names (templates/<app>/..., templates/admin/<app>/...,
# or an app's own templates/ folder). It loads only the tag libraries of its app and of the apps
# that app may import, and extends or includes only their templates. The frame every public page
# extends and the admin's frame load several apps' tags: they compose the site, like config, and
# are named here and in ARCHITECTURE.md. The other templates at the top (error pages, the
# registration and admin pagination overrides) belong to no app and load no app's tags.
COMPOSING_TEMPLATES = {"base.html", "admin/base_site.html"}
_LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
_USES = re.compile(r"""{%\s*(?:extends|include)\s+["']([^"']+)["']""")


def tag_library_owners() -> dict[str, str]:
    """Each of our tag libraries and the app that owns it (site_nav -> pages)."""
    return {
        path.stem: app
        for app in sorted(APPS)
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def template_files():
    """(owner app or None, name as loaders see it, file) for every template of ours."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        yield template_owner(name), name, path
    for app in sorted(APPS):
        for path in sorted((ROOT / app / "templates").rglob("*.html")):
            name = path.relative_to(ROOT / app / "templates").as_posix()
            yield app, name, path


def template_owner(name: str) -> str | None:
    parts = name.split("/")
    if parts[0] == "admin" and len(parts) > 2 and parts[1] in APPS:
        return parts[1]
    return parts[0] if len(parts) > 1 and parts[0] in APPS else None


def loaded_libraries(text: str) -> list[str]:
    found = []
    for match in _LOAD.finditer(text):
        words = match.group(1).split()
        found += words[words.index("from") + 1 :] if "from" in words else words
    return found


def template_violations(owner: str | None, name: str, text: str, owners) -> list[str]:
    if name in COMPOSING_TEMPLATES:
        return []
    allowed = ALLOWED.get(owner, set()) | {owner}
    found = []
    for library in loaded_libraries(text):
        app = owners.get(library)
        if app is not None and app not in allowed:
            found.append(f"{name}: {owner or 'no app'} loads {app}'s {library}")
    for used in _USES.findall(text):
        app = template_owner(used)
        if app is not None and app not in allowed:
            found.append(f"{name}: {owner or 'no app'} uses {app}'s {used}")
    return found


def test_templates_load_only_the_tags_of_apps_their_app_may_import():
    owners = tag_library_owners()
    found = []
    for owner, name, path in template_files():
        found += template_violations(owner, name, path.read_text(), owners)
    assert found == []


def test_the_composing_templates_exist_and_compose():
    owners = tag_library_owners()
    for name in COMPOSING_TEMPLATES:
        libraries = loaded_libraries((ROOT / "templates" / name).read_text())
        assert len({owners[lib] for lib in libraries if lib in owners}) > 1, name


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("blog/x.html", "{% load i18n comment_tags %}"),
        ("blog/x.html", "{% load site_nav %}"),
        ("pages/x.html", "{% load contact_tags %}"),
        ("admin/blog/x.html", "{% load comments_admin %}"),
        ("404.html", "{% load blog_tags %}"),
        ("media/x.html", '{% include "blog/includes/byline.html" %}'),
        ("blog/x.html", "{% load article_sections from comment_tags %}"),
    ],
)
def test_a_template_reaching_above_its_app_is_caught(name, text):
    assert template_violations(template_owner(name), name, text, tag_library_owners()) != []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("comments/form.html", "{% load i18n site_nav %}"),
        ("contact/page.html", '{% extends "pages/page_detail.html" %}{% load contact_tags %}'),
        ("blog/x.html", "{% load i18n static media_tags %}"),
        ("base.html", "{% load newsletter_tags site_nav blog_tags %}"),
    ],
)
def test_a_template_within_its_arrows_passes(name, text):
    assert template_violations(template_owner(name), name, text, tag_library_owners()) == []
