"""Rivista against django-comments-xtd on the same 1,000-comment tree, in one run.

    make bench-xtd

django-comments-xtd (its current release from PyPI, with the Django version Rivista runs) is
installed once in its own virtualenv, .bench-venv-xtd/ (git-ignored, removed by `make clean`),
and renders the tree there (bench.xtd_site); then this process builds the same tree
(bench.tree_shape, same seed) for Rivista and times its cold article page as `make bench` does
(test client, every middleware, every cache cleared). The headline ratio is conservative: xtd's
figure is the comment tree alone, Rivista's the whole page; the second line subtracts Rivista's
empty article page. These machines are noisy (xtd's figure moved from 590 to 940 ms between two
runs): read the ratio, and run it twice.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

from bench.comments import build_comments, cold_get, median_ms, setup_django
from bench.tree_shape import SEED

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench-venv-xtd"
COUNT = 1_000
REPEAT = 7
GOAL = 10


def xtd_python() -> Path:
    """The separate virtualenv, made once: xtd and its dependencies never enter Rivista's."""
    import django

    python = VENV / "bin" / "python"
    marker = VENV / ".installed"
    if not marker.exists():
        print("Installing django-comments-xtd in .bench-venv-xtd/ (once)…", file=sys.stderr)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)  # noqa: S603 - our own
        major_minor = ".".join(django.get_version().split(".")[:2])
        subprocess.run(  # noqa: S603 - the venv's pip, fixed arguments
            [str(python), "-m", "pip", "install", "--quiet", "django-comments-xtd",
             f"Django=={major_minor}.*"],
            check=True,
        )  # fmt: skip
        marker.touch()
    return python


def run_xtd(max_level: int) -> dict:
    result = subprocess.run(  # noqa: S603 - the venv's interpreter, our arguments
        [str(xtd_python()), "-m", "bench.xtd_site", str(COUNT), str(max_level), str(REPEAT)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_rivista() -> tuple[float, float, int]:
    """Median cold ms of an empty article page and of the 1,000-comment one, its byte size."""
    from django.test import Client

    from tests.factories import make_article

    reader = Client()
    empty = make_article(title="Articolo senza commenti", slug="bench-xtd-0")
    full = make_article(title="Articolo con 1000 commenti", slug="bench-xtd-1000")
    build_comments(full, COUNT, random.Random(SEED))
    page = cold_get(reader, full.get_absolute_url())
    shown = page.text.count('class="comment ')
    assert shown == COUNT, shown
    empty_ms = median_ms(lambda: cold_get(reader, empty.get_absolute_url()), REPEAT)
    full_ms = median_ms(lambda: cold_get(reader, full.get_absolute_url()), REPEAT)
    return empty_ms, full_ms, len(page.content)


def main() -> None:
    setup_django()
    import django

    from comments import discussion

    max_level = discussion.max_depth() - 1
    print(f"django-comments-xtd on {COUNT:,} comments…", file=sys.stderr)
    xtd = run_xtd(max_level)
    print(f"Rivista on {COUNT:,} comments…", file=sys.stderr)
    empty_ms, full_ms, nbytes = run_rivista()
    tree_ms = full_ms - empty_ms
    print()
    print(
        f"Cold render of the same {COUNT:,}-comment tree (30% roots, depth {max_level + 1}, "
        f"~300-character bodies), medians of {REPEAT} runs, SQLite"
    )
    print(
        f"  django-comments-xtd {xtd['xtd']} (Django {xtd['django']}, in memory), tree only: "
        f"{xtd['ms']:8.1f} ms  {xtd['us_per_comment']:6.0f} µs/comment  "
        f"{xtd['bytes'] / 1024:5.0f} KB"
    )
    print(
        f"  Rivista (Django {django.get_version()}), whole article page:       "
        f"{full_ms:8.1f} ms  {full_ms * 1000 / COUNT:6.0f} µs/comment  {nbytes / 1024:5.0f} KB"
    )
    print(
        f"  Rivista, the page minus an empty article's ({empty_ms:.1f} ms):  "
        f"{tree_ms:8.1f} ms  {tree_ms * 1000 / COUNT:6.0f} µs/comment"
    )
    print(
        f"Rivista faster: {xtd['ms'] / full_ms:.1f}x on the whole page, "
        f"{xtd['ms'] / max(tree_ms, 1e-9):.1f}x on the comments alone (goal >= {GOAL}x)"
    )


if __name__ == "__main__":
    main()
