"""Importing a WordPress site: the one write, used by the import_wordpress command and tests."""

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from wordpress import wxr
from wordpress.importer import Importer
from wordpress.media import MediaDirRefused, check_media_dir
from wordpress.moving import ImportReport
from wordpress.wxr import WxrError

__all__ = ["ImportReport", "MediaDirRefused", "WxrError", "wordpress_import"]


def wordpress_import(
    *,
    path: Path,
    media_dir: Path | None = None,
    dry_run: bool = False,
    keep_remote_images: bool = False,
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
