"""Moving in: a WordPress site, Disqus comments; moving out: the whole site. What the commands,
the admin's jobs (through the worker) and the tests call."""

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from wordpress import disqus, wxr
from wordpress import disqus_import as disqus_import_run
from wordpress.article_match import MapError, read_map
from wordpress.disqus import DisqusError
from wordpress.disqus_import import DisqusImport
from wordpress.export import EXPORT_TYPES, ExportRefused, SiteExport
from wordpress.importer import Importer
from wordpress.media import MediaDirRefused, check_media_dir
from wordpress.moving import ImportReport
from wordpress.wxr import WxrError

__all__ = [
    "DisqusError",
    "ExportRefused",
    "ImportReport",
    "MapError",
    "MediaDirRefused",
    "WxrError",
    "disqus_import",
    "site_export",
    "wordpress_import",
]


def wordpress_import(
    *,
    path: Path,
    media_dir: Path | None = None,
    dry_run: bool = False,
    keep_remote_images: bool = False,
    menu_locations: dict[str, str] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a WXR export, all or nothing, in one transaction.

    The file is streamed; a malformed or truncated one, or one declaring XML entities, raises
    WxrError naming the line, and nothing stays in the database or the media storage. A
    `media_dir` the site serves (inside MEDIA_ROOT or STATIC_ROOT) raises MediaDirRefused. With
    `dry_run` everything is done and counted, then rolled back, and no image file is written.
    """
    if media_dir is not None:
        check_media_dir(media_dir)
    report = ImportReport(dry_run=dry_run, progress=progress)
    importer = Importer(
        report=report,
        media_dir=media_dir,
        dry_run=dry_run,
        keep_remote_images=keep_remote_images,
        menu_locations=menu_locations,
    )
    try:
        with path.open("rb") as file, transaction.atomic():
            importer.run(wxr.read(file, name=path.name))
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        importer.covers.delete_stored()
        importer.body_media.delete_stored()
        raise
    return report


def disqus_import(
    *,
    path: Path,
    map_path: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a Disqus export's posts as threaded comments, all or nothing, in one transaction.

    The --map file is read first (MapError names its rows that lead nowhere); the export is
    streamed, and a malformed one, or one declaring XML entities, raises DisqusError naming the
    line before anything is written. With `dry_run` everything is done and counted, then rolled
    back.
    """
    thread_map = read_map(map_path) if map_path is not None else {}
    report = ImportReport(
        title="Disqus import",
        version="Disqus XML",
        dry_run=dry_run,
        types=disqus_import_run.TYPES,
        reading=disqus_import_run.READING,
        progress=progress,
    )
    with path.open("rb") as file, transaction.atomic():
        DisqusImport(report=report, thread_map=thread_map).run(disqus.read(file, name=path.name))
        if dry_run:
            transaction.set_rollback(True)
    return report


def site_export(
    *, output_dir: Path, progress: Callable[[ImportReport], None] | None = None
) -> ImportReport:
    """Export the whole site into `output_dir` (new or empty, outside MEDIA_ROOT and
    STATIC_ROOT, else ExportRefused): wordpress.xml, uploads/ and site.json."""
    report = ImportReport(title="Site export", types=EXPORT_TYPES, progress=progress)
    SiteExport(output_dir=output_dir, report=report).run()
    return report
