"""The private files of the moves run from the admin: where they live, what an upload must be,
the zip of uploads checked and unpacked safely, and the progress a running job leaves for its
page to read.

Everything sits in a folder per job below MOVING_ROOT, a private folder (never inside
MEDIA_ROOT or STATIC_ROOT: an export's originals carry their camera data and GPS position, a
site export holds drafts and email addresses). The web process and the worker both read it, so
they must share it (one machine, or a shared volume); nothing there has a public address.

The progress is a small file rather than a row: the import runs in one transaction, and what it
writes in it stays invisible to the page until it commits (and SQLite lets no second connection
write meanwhile). A thread of the worker touches the file every few seconds, so a page can tell a
running job from one whose worker died.
"""

import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from wordpress import conf

EXPORT_DIR = "export"  # the uploaded export, under its own (cleaned) name
MAP_FILE = "map.csv"
ZIP_FILE = "uploads.zip"
UNPACKED_DIR = "uploads"
SITE_DIR = "site"  # a site export being written
SITE_ZIP = "site-export.zip"
PROGRESS_FILE = "progress.json"
PROGRESS_SECONDS = 1.0  # at most one progress write a second
HEAD_BYTES = 64 * 1024
COPY_CHUNK = 1024 * 1024
_FOLDER = re.compile(r"^(?:import|export)-[0-9a-f]{24}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
# A single folder the uploads may be wrapped in ("my-site/2019/05/..."), unless it is a year or
# one of the folders the import itself looks through.
_KNOWN_FOLDER = re.compile(r"^(?:\d{4}|uploads|wp-content)$")


class MovingRootRefused(Exception):
    """MOVING_ROOT is a folder the site serves: the message says why that is refused."""


class UploadRefused(Exception):
    """An uploaded file cannot be used: the message says why, for the editor."""


def moving_root() -> Path:
    root = conf.get("MOVING_ROOT") or Path(settings.BASE_DIR) / "private" / "moving"
    root = Path(root).resolve()
    served_roots = (("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT))
    for name, served in served_roots:
        if served and root.is_relative_to(Path(served).resolve()):
            raise MovingRootRefused(
                _(
                    "MOVING_ROOT (%(root)s) is inside %(name)s, a folder the site serves to "
                    "anyone: the files of imports and exports would be public. Set MOVING_ROOT "
                    "to a private folder."
                )
                % {"root": root, "name": name}
            )
    return root


def check_moving_root(app_configs=None, **kwargs) -> list:
    """A system check (`manage.py check`): MOVING_ROOT is not a folder the site serves."""
    try:
        moving_root()
    except MovingRootRefused as exc:
        return [checks.Error(str(exc), id="wordpress.E001")]
    return []


def new_folder(prefix: str) -> str:
    """A new private folder for one job; its name (kept on the job), not guessable."""
    root = moving_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{prefix}-{secrets.token_hex(12)}"
    (root / name).mkdir(mode=0o700)
    return name


def folder_path(name: str) -> Path:
    if not _FOLDER.match(name or ""):
        raise ValueError(f"not a job folder: {name!r}")
    return moving_root() / name


def remove_folder(name: str) -> None:
    if name:
        shutil.rmtree(folder_path(name), ignore_errors=True)


def _private_file(path: Path):
    """A new file only its owner reads."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def safe_name(name: str, default: str) -> str:
    try:
        return get_valid_filename(Path(name).name)[:200]
    except Exception:  # SuspiciousFileOperation: nothing usable is left of it
        return default


def save_upload(uploaded, folder: str, relative: str) -> Path:
    target = folder_path(folder) / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _private_file(target) as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return target


# What an upload must be: checked in the request (the form), before anything is kept.


def check_export_file(uploaded, *, kind: str) -> None:
    """An XML file of the right sort and not too big; the parser checks the rest in the dry
    run (and names the line and column of what it refuses)."""
    limit = conf.get("MOVING_MAX_EXPORT_BYTES")
    if uploaded.size > limit:
        raise UploadRefused(too_big(uploaded.size, limit))
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    if not head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        raise UploadRefused(_("This is not an XML file."))
    if kind == "wordpress" and not (b"<rss" in head and b"wordpress.org/export/" in head):
        raise UploadRefused(
            _(
                "This XML file is not a WordPress export: make one in WordPress under Tools > "
                "Export (a .xml file)."
            )
        )
    if kind == "disqus" and b"<disqus" not in head:
        raise UploadRefused(
            _(
                "This XML file is not a Disqus export: make one in Disqus's admin under "
                "Moderation > Export (a .xml file, sent to you compressed: unpack it first)."
            )
        )


def check_zip(uploaded) -> None:
    limit = conf.get("MOVING_MAX_ZIP_BYTES")
    if uploaded.size > limit:
        raise UploadRefused(too_big(uploaded.size, limit))
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            problem = zip_problem(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_("This is not a zip file.")) from None
    finally:
        uploaded.seek(0)
    if problem:
        raise UploadRefused(problem)


def too_big(size: int, limit: int | None = None) -> str:
    limit = conf.get("MOVING_MAX_EXPORT_BYTES") if limit is None else limit
    return _("The file is %(size)s; this site takes at most %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def entry_parts(name: str) -> list[str] | None:
    """The folders and name of a zip entry, None when it would lead outside the folder it is
    unpacked in (an absolute path, a drive, a "..", a NUL)."""
    if "\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None
    parts = [part for part in re.split(r"[\\/]", name) if part not in ("", ".")]
    return None if ".." in parts else parts


def zip_problem(archive: zipfile.ZipFile) -> str:
    """Why a zip of uploads is refused ("" when it is not): a path leading out, a link, an
    encrypted entry, too many files or too many bytes once unpacked."""
    files = unpacked = 0
    for info in archive.infolist():
        if entry_parts(info.filename) is None:
            return _("The zip holds a path leading outside its folder: %(name)s") % {
                "name": info.filename
            }
        if stat.S_ISLNK(info.external_attr >> 16):
            return _("The zip holds a symbolic link: %(name)s") % {"name": info.filename}
        if info.flag_bits & 0x1:
            return _("The zip holds an encrypted file: %(name)s") % {"name": info.filename}
        if not info.is_dir():
            files += 1
            unpacked += info.file_size
    if files > conf.get("MOVING_MAX_ZIP_FILES"):
        return _("The zip holds %(count)s files; this site takes at most %(limit)s.") % {
            "count": files,
            "limit": conf.get("MOVING_MAX_ZIP_FILES"),
        }
    if unpacked > conf.get("MOVING_MAX_UNPACKED_BYTES"):
        return _("The zip holds %(size)s once unpacked; this site takes at most %(limit)s.") % {
            "size": filesizeformat(unpacked),
            "limit": filesizeformat(conf.get("MOVING_MAX_UNPACKED_BYTES")),
        }
    return ""


def unpacked_uploads(folder: str) -> Path:
    """The zip of uploads unpacked (once: a retry finds it done) and the folder the import
    looks in: the uploads folder, wp-content or the site, as for --media-dir."""
    base = folder_path(folder)
    target = base / UNPACKED_DIR
    if not target.is_dir():
        unpack_zip(base / ZIP_FILE, target)
        (base / ZIP_FILE).unlink()
    return media_dir_of(target)


def unpack_zip(zip_path: Path, target: Path) -> None:
    """Unpack into `target`, checking everything again as it goes: the sizes the zip declares
    are only believed up to the bytes actually written."""
    partial = target.with_name(target.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    budget = conf.get("MOVING_MAX_UNPACKED_BYTES")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            problem = zip_problem(archive)
            if problem:
                raise UploadRefused(problem)
            for info in archive.infolist():
                parts = entry_parts(info.filename)
                if info.is_dir() or not parts or parts[0] == "__MACOSX":
                    continue
                budget -= _unpack_one(archive, info, partial.joinpath(*parts), budget)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UploadRefused(
            _("The zip of uploads cannot be unpacked: %(error)s") % {"error": exc}
        ) from None
    partial.rename(target)


def _unpack_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, budget: int) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    limit, written = min(info.file_size, budget), 0
    with archive.open(info) as source, _private_file(path) as out:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            if written > limit:
                raise UploadRefused(
                    _("%(name)s in the zip is bigger than the zip says, or than this site takes.")
                    % {"name": info.filename}
                )
            out.write(chunk)
    return written


def media_dir_of(unpacked: Path) -> Path:
    """Past a single folder the uploads are wrapped in ("my-site/2019/05/..." -> my-site)."""
    folder = unpacked
    while True:
        children = [child for child in folder.iterdir() if child.name != "__MACOSX"]
        if len(children) != 1 or not children[0].is_dir() or _KNOWN_FOLDER.match(children[0].name):
            return folder
        folder = children[0]


def zip_folder(source: Path, target: Path) -> int:
    """The site export as one zip (text compressed, images stored as they are); its size."""
    with _private_file(target) as out, zipfile.ZipFile(out, "w") as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                compress = path.suffix in (".xml", ".json")
                archive.write(
                    path,
                    path.relative_to(source).as_posix(),
                    compress_type=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED,
                )
    return target.stat().st_size


# The progress of a running job.


class ProgressFile:
    """The report's progress callback, writing what was read to the job's folder (at most once
    a second), and a heartbeat touching it meanwhile: `with ProgressFile(folder) as progress:`."""

    def __init__(self, folder: str, *, beat_seconds: float | None = None):
        self.path = folder_path(folder) / PROGRESS_FILE
        self.beat_seconds = beat_seconds or max(conf.get("MOVING_STALE_SECONDS") / 6, 1)
        self.written_at = 0.0
        self.data: dict = {"read": {}}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __call__(self, report) -> None:
        self.data = {"read": {name: report.read[name] for name in report.reading}}
        if time.monotonic() - self.written_at >= PROGRESS_SECONDS:
            self.write()

    def write(self) -> None:
        partial = self.path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        with _private_file(partial) as out:
            out.write(json.dumps(self.data).encode())
        os.replace(partial, self.path)
        self.written_at = time.monotonic()

    def _beat(self) -> None:
        while not self._stop.wait(self.beat_seconds):
            try:
                os.utime(self.path)
            except OSError:
                return  # the folder is gone: the job was deleted

    def __enter__(self) -> "ProgressFile":
        self.write()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self.path.parent.is_dir():  # the last count (unless the job's folder is gone)
            self.write()


def read_progress(folder: str) -> dict:
    try:
        return json.loads((folder_path(folder) / PROGRESS_FILE).read_text())
    except (OSError, ValueError, MovingRootRefused):
        return {}


def seconds_since_sign_of_life(folder: str) -> float | None:
    """How long ago the worker running the job last touched its progress (None: never)."""
    try:
        return time.time() - (folder_path(folder) / PROGRESS_FILE).stat().st_mtime
    except (OSError, ValueError, MovingRootRefused):
        return None
