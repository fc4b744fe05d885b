"""`make clean` removes only what the build and the demo made, never a file of the project
(it once removed `media`, the media library app, along with the uploads)."""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run(*command) -> subprocess.CompletedProcess:
    # Run as from a shell: under `make test` the parent make's variables would make this one
    # announce the directory it enters, lines that are not the recipe.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(
        command, cwd=BASE_DIR, capture_output=True, text=True, timeout=60, check=False, env=env
    )


@pytest.fixture
def tracked() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listing = run("git", "ls-files")
    if listing.returncode != 0:
        pytest.skip(f"not a git checkout: {listing.stderr.strip()}")
    return listing.stdout.splitlines()


def removed_by_clean() -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry_run = run("make", "-n", "clean")
    assert dry_run.returncode == 0, dry_run.stderr
    paths = []
    for line in dry_run.stdout.splitlines():
        words = shlex.split(line)
        assert words[:2] == ["rm", "-rf"], f"make clean runs more than rm -rf: {line!r}"
        paths += words[2:]
    assert paths, "make clean removes nothing"
    return paths


def test_make_clean_removes_no_tracked_file(tracked):
    for path in removed_by_clean():
        assert not Path(path).is_absolute() and ".." not in Path(path).parts, path
        inside = [name for name in tracked if name == path or name.startswith(path + "/")]
        assert inside == [], f"make clean would delete tracked files: {inside[:5]}"


def test_make_clean_removes_only_what_git_ignores(tracked):
    for path in removed_by_clean():
        # As a file or as a folder: a pattern such as /uploads/ matches only the folder.
        ignored = [
            run("git", "check-ignore", "--quiet", "--no-index", name).returncode == 0
            for name in (path, path + "/")
        ]
        assert any(ignored), f"{path} is not ignored by git: did the build make it?"


def test_make_clean_removes_the_uploads_the_database_and_the_collected_files():
    assert {"db.sqlite3", "uploads", "staticfiles", "tests/e2e/node_modules"} <= set(
        removed_by_clean()
    )
