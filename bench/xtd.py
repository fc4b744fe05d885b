"""Rivista against django-comments-xtd on the same 1,000-comment tree, cold, in one run.

    make bench-xtd

django-comments-xtd (its current release from PyPI, with the Django version Rivista runs) is
installed once in its own virtualenv, .bench-venv-xtd/ (git-ignored, removed by `make clean`),
where bench.xtd_site builds its site and the tree and then waits. This process builds the same
tree (bench.tree_shape, same seed) for Rivista, and the two take turns: one cold request of
xtd's page, one of Rivista's, one of each empty page, REPEAT times, so a burst of load on this
shared machine weighs on both alike.

What is compared, on each side:

- the same tree: 1,000 approved comments, 30% roots, replies down to Rivista's maximum depth
  (xtd's COMMENTS_XTD_MAX_THREAD_LEVEL set to match), ~300-character bodies, SQLite in a file;
- the same shape of page: an article with its comment count, the whole tree on one page (every
  comment with its avatar, name, date, permalink, text and reply link) and the comment form, in
  a frame. xtd's frame is a one-line header and footer; Rivista's is its real article page
  (menus, promo, newsletter signup, reading aids, JSON-LD, feeds' links, follow form), so the
  comparison is tilted towards xtd;
- cold: every cache cleared before each request (Django's cache, where Rivista keeps its thread
  fragments, comment pages, versions and kept pages; ContentType's and Site's), compiled
  templates kept (Django's cached loader on both sides), through the test client and every
  middleware of each site (xtd: startproject's). The client asks for no encoding, so neither
  page is compressed: a client accepting gzip makes Rivista compress the page it keeps, once
  (see `make bench-wire`).

The goal (issue 22, item 5) is about the comments: the same tree, cold, 10x faster. So the
headline is the tree's cost on each side, each page minus the same site's page for an article
without comments, measured in the same rounds; the whole pages are printed beside it, and their
ratio is lower because Rivista's frame costs several times xtd's one-line frame. Wall-clock and
CPU time (each process's own) are both medians.
"""

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.comments import build_comments, cold_get, setup_django
from bench.tree_shape import SEED

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench-venv-xtd"
COUNT = 1_000
REPEAT = 25
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


class XtdSite:
    """bench.xtd_site running in its virtualenv: one cold request of a page per call."""

    def __init__(self, max_level: int):
        self.process = subprocess.Popen(  # noqa: S603 - the venv's interpreter, our arguments
            [str(xtd_python()), "-m", "bench.xtd_site", str(COUNT), str(max_level)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.about = self._answer()

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("bench.xtd_site stopped (its error is above)")
        return json.loads(line)

    def timed(self, page: str) -> dict:
        self.process.stdin.write(page + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def timed(action) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return {
        "wall": (time.perf_counter() - wall) * 1000,
        "cpu": (time.process_time() - cpu) * 1000,
    }


def rivista_pages() -> tuple[dict, dict]:
    """Rivista's article pages, without comments and with the tree: url and byte size."""
    from django.test import Client

    from tests.factories import make_article

    reader = Client()
    empty = make_article(title="Articolo di misura", slug="bench-xtd-0")
    full = make_article(title="Articolo di misura", slug="bench-xtd-1000")
    build_comments(full, COUNT, random.Random(SEED))
    pages = {}
    for name, article in (("empty", empty), ("full", full)):
        url = article.get_absolute_url()
        page = cold_get(reader, url)
        pages[name] = {"url": url, "bytes": len(page.content), "reader": reader}
    shown = cold_get(reader, pages["full"]["url"]).text.count('class="comment ')
    assert shown == COUNT, shown
    return pages["empty"], pages["full"]


def main() -> None:
    setup_django()
    import django

    from comments import discussion

    max_level = discussion.max_depth() - 1
    print(f"django-comments-xtd on {COUNT:,} comments…", file=sys.stderr)
    xtd = XtdSite(max_level)
    print(f"Rivista on {COUNT:,} comments…", file=sys.stderr)
    empty, full = rivista_pages()
    ours = {"wall": {"empty": [], "full": []}, "cpu": {"empty": [], "full": []}}
    theirs = {"wall": {"empty": [], "full": []}, "cpu": {"empty": [], "full": []}}
    print(f"{REPEAT} rounds, taking turns…", file=sys.stderr)
    for _ in range(REPEAT):
        for name, page in (("full", full), ("empty", empty)):
            sample = xtd.timed(name)
            for clock in ("wall", "cpu"):
                theirs[clock][name].append(sample[clock])
            sample = timed(lambda page=page: cold_get(page["reader"], page["url"]))
            for clock in ("wall", "cpu"):
                ours[clock][name].append(sample[clock])
    xtd.close()

    def median(samples: dict, clock: str, name: str) -> float:
        return statistics.median(samples[clock][name])

    print()
    print(
        f"Cold article page, the same {COUNT:,}-comment tree (30% roots, depth {max_level + 1}, "
        f"~300-character bodies), SQLite; medians of {REPEAT} interleaved requests, ms"
    )
    header = (
        f"{'':38} {'page':>7} {'cpu':>7} {'empty':>7} {'cpu':>7} "
        f"{'comments':>9} {'µs/cmt':>7} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, samples, sizes in (
        (f"django-comments-xtd {xtd.about['xtd']} (Django {xtd.about['django']})", theirs,
         (xtd.about["bytes"], xtd.about["empty_bytes"])),
        (f"Rivista (Django {django.get_version()})", ours, (full["bytes"], empty["bytes"])),
    ):  # fmt: skip
        page, empty_page = median(samples, "wall", "full"), median(samples, "wall", "empty")
        print(
            f"{label:38} {page:7.1f} {median(samples, 'cpu', 'full'):7.1f} "
            f"{empty_page:7.1f} {median(samples, 'cpu', 'empty'):7.1f} "
            f"{page - empty_page:9.1f} {(page - empty_page) * 1000 / COUNT:7.0f} "
            f"{sizes[0] / 1024:6.0f}"
        )

    def ratio(clock: str, *, alone: bool = False) -> float:
        def cost(samples):
            page = median(samples, clock, "full")
            return page - median(samples, clock, "empty") if alone else page

        return cost(theirs) / max(cost(ours), 1e-9)

    print(
        f"Rivista faster on the comment tree (each page minus its empty article page): "
        f"{ratio('wall', alone=True):.1f}x wall-clock, {ratio('cpu', alone=True):.1f}x CPU "
        f"(goal >= {GOAL}x)"
    )
    print(
        f"Whole pages, frames included (Rivista's real article page, xtd's one-line frame): "
        f"{ratio('wall'):.1f}x wall-clock, {ratio('cpu'):.1f}x CPU"
    )


if __name__ == "__main__":
    main()
