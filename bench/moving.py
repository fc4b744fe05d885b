"""Moving in, big: a WordPress export of 2,000 and then 20,000 posts, and a Disqus export of
10,000 and then 200,000 comments, each imported by its command in a process of its own.

    make bench-moving                                   # SQLite, in a temporary file
    DATABASE_URL=postgres://... make bench-moving       # PostgreSQL: schema bench_moving
    .venv/bin/python -m bench.moving --posts 2000 20000 --comments 10000 200000 --again

For each pair of sizes it builds a fresh database (migrate), writes the two files, fresh and
synthetic (tests.wordpress.generate: posts with a category, two tags, a featured image and an
inline image among the export's attachments, five comments per post on average; Disqus threads
linked to the posts' old WordPress addresses, of every size from one post to 500, posts mixed
across threads in date order, some spam, some deleted, one thread in a hundred matching
nothing), then runs `import_wordpress` and `import_disqus` (and, with --again, each once more:
nothing may be created twice). It prints the time and the peak resident memory of each import
process (its ru_maxrss, from wait4), the progress lines it wrote, and checks the database: the
comments expected are there and every comment tree is a valid nested set. No --media-dir: the
image files themselves are not part of the measure.

It exits non-zero if a check fails, or if the peak memory at the largest size is more than 1.5x
the one at the smallest. Not part of the tests.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.newsletter import Database

BASE_DIR = Path(__file__).resolve().parent.parent
SCHEMA = "bench_moving"
COMMENTS_PER_POST = 5
MEMORY_BUDGET = 1.5
TREES_BROKEN = """
    SELECT COUNT(*) FROM (
        SELECT tree_id, COUNT(*) AS n, MIN(lft) AS first, MAX(rght) AS last
        FROM comments_comment GROUP BY tree_id
    ) AS trees WHERE first != 1 OR last != 2 * n
"""
NODES_BROKEN = """
    SELECT COUNT(*) FROM comments_comment AS c
    LEFT JOIN comments_comment AS p ON p.id = c.parent_id
    WHERE c.lft >= c.rght OR (c.parent_id IS NULL AND c.level != 0)
       OR (p.id IS NOT NULL AND (p.tree_id != c.tree_id OR p.lft >= c.lft OR p.rght <= c.rght
                                 OR p.level != c.level - 1))
"""


def environment(database: Database, workdir: Path) -> dict:
    return {
        **os.environ,
        "IGNORE_DOTENV": "1",
        "DEBUG": "0",
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def run_measured(args: list[str], *, env: dict, log: Path) -> tuple[float, int, int]:
    """A manage.py command: its wall time, its peak resident memory in KiB (ru_maxrss of that
    process alone, from wait4) and its exit status; its output goes to `log`."""
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss, process.returncode


def import_once(name: str, args: list[str], *, env: dict, workdir: Path, label: str) -> dict:
    log = workdir / f"{label}.log"
    seconds, peak_kib, status = run_measured(args, env=env, log=log)
    text = log.read_text(errors="replace")
    progress = [line for line in text.splitlines() if line.startswith("… ")]
    created = re.search(r"^comments\s+(\d+)", text, re.MULTILINE)
    result = {
        "name": name,
        "label": label,
        "seconds": seconds,
        "peak_kib": peak_kib,
        "status": status,
        "progress": progress,
        "comments_created": int(created.group(1)) if created else -1,
        "log": log,
    }
    print(
        f"   {label}: {seconds:.1f} s, peak RSS {peak_kib / 1024:.1f} MiB, "
        f"{len(progress)} progress lines (last: {progress[-1] if progress else '-'}), "
        f"comments created {result['comments_created']}"
        + ("" if status == 0 else f", EXIT STATUS {status}; its output ends:")
    )
    if status != 0:  # the folder and its logs are gone once the benchmark ends
        for line in text.splitlines()[-20:]:
            print(f"      {line}")
    return result


def run_sizes(
    posts: int, comments: int, *, base_url: str | None, workdir: Path, again: bool
) -> list[dict]:
    from tests.wordpress.generate import write_disqus_site_export, write_site_export

    database = Database(base_url, workdir, schema=SCHEMA)
    database.recreate()
    env = environment(database, workdir)
    print(f"\n== {posts:,} posts (and {posts * COMMENTS_PER_POST:,} comments) in WXR, "
          f"{comments:,} comments in Disqus")  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    _, idle_kib, _ = run_measured(["check"], env=env, log=workdir / "check.log")
    started = time.monotonic()
    wxr = write_site_export(
        workdir / f"wordpress-{posts}.xml", posts=posts, comments=posts * COMMENTS_PER_POST
    )
    disqus = write_disqus_site_export(
        workdir / f"disqus-{comments}.xml", posts=comments, articles=posts
    )
    print(
        f"   files written in {time.monotonic() - started:.1f} s: WXR "
        f"{wxr.stat().st_size / 2**20:.0f} MiB, Disqus {disqus.stat().st_size / 2**20:.0f} MiB; "
        f"an idle manage.py peaks at {idle_kib / 1024:.1f} MiB"
    )
    runs = [("wordpress", posts, ["import_wordpress", str(wxr)])]
    runs.append(("disqus", comments, ["import_disqus", str(disqus)]))
    results = []
    for name, size, args in runs:
        results.append(import_once(name, args, env=env, workdir=workdir, label=f"{name}-{size}"))
        results[-1]["size"] = size
    before = database.query("SELECT COUNT(*) FROM comments_comment")[0][0]
    if again:
        for name, size, args in runs:
            rerun = import_once(name, args, env=env, workdir=workdir, label=f"{name}-{size}-again")
            rerun["size"], rerun["again"] = size, True
            results.append(rerun)
    [(total,)] = database.query("SELECT COUNT(*) FROM comments_comment")
    [(trees_broken,)] = database.query(TREES_BROKEN)
    [(nodes_broken,)] = database.query(NODES_BROKEN)
    expected = sum(r["comments_created"] for r in results if not r.get("again"))
    print(
        f"   database: {total:,} comments (the imports said {expected:,} created; "
        f"{before:,} before running again), {trees_broken} broken trees, "
        f"{nodes_broken} misplaced comments"
    )
    check = total == expected == before and not trees_broken and not nodes_broken
    check = check and all(r["status"] == 0 for r in results)
    check = check and all(r["comments_created"] == 0 for r in results if r.get("again"))
    for result in results:
        result["check"] = check
    database.drop()
    return results


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--comments", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--again", action="store_true", help="run each import twice")
    args = parser.parse_args()
    if len(args.posts) != len(args.comments):
        parser.error("give as many --posts as --comments: they are imported in pairs")

    base_url = os.environ.get("DATABASE_URL")
    print(f"Database: {'PostgreSQL' if base_url else 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="rivista-bench-moving-") as tmp:
        results = []
        for posts, comments in zip(args.posts, args.comments, strict=True):
            results += run_sizes(
                posts, comments, base_url=base_url, workdir=Path(tmp), again=args.again
            )
    failed = False
    print("\n== peak RSS and time, smallest against largest")
    for name, unit in (("wordpress", "posts"), ("disqus", "comments")):
        first = [r for r in results if r["name"] == name and not r.get("again")]
        small, large = first[0], first[-1]
        ratio = large["peak_kib"] / small["peak_kib"]
        slower = large["seconds"] / small["seconds"]
        print(
            f"   {name}: {small['size']:,} {unit} {small['seconds']:.1f} s "
            f"{small['peak_kib'] / 1024:.1f} MiB; {large['size']:,} {unit} "
            f"{large['seconds']:.1f} s {large['peak_kib'] / 1024:.1f} MiB "
            f"(memory x{ratio:.2f}, budget x{MEMORY_BUDGET:.2f}; "
            f"time x{slower:.1f} for x{large['size'] / small['size']:.0f} the size)"
        )  # fmt: skip
        if ratio > MEMORY_BUDGET:
            print(f"FAILED: the {name} import's memory grows with the file")
            failed = True
    if not all(r["check"] for r in results):
        print("FAILED: a check of the database or of a second run failed (see above)")
        failed = True
    if not failed:
        print("OK: every comment imported once, every tree valid, memory flat")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
