"""The wordpress app's settings and their defaults; config/settings.py overrides, it does not
restate them."""

from django.conf import settings

DEFAULTS = {
    # Where the admin's imports keep what an editor uploads (the export, the uploads zip unpacked)
    # and where exports are made: a private folder, never inside MEDIA_ROOT or STATIC_ROOT (the
    # originals carry camera data and GPS positions, an export holds drafts and email
    # addresses). None: BASE_DIR / "private" / "moving".
    "MOVING_ROOT": None,
    # The biggest export file (WXR or Disqus XML) the admin takes.
    "MOVING_MAX_EXPORT_BYTES": 1024**3,
    # The biggest zip of uploads the admin takes, as sent and once unpacked, and its file count.
    "MOVING_MAX_ZIP_BYTES": 4 * 1024**3,
    "MOVING_MAX_UNPACKED_BYTES": 8 * 1024**3,
    "MOVING_MAX_ZIP_FILES": 100_000,
    # A finished export can be downloaded this long, then its file is deleted.
    "MOVING_EXPORT_KEEP_HOURS": 48,
    # Uploaded files of an import never confirmed (or failed and not retried) are deleted after
    # this many days.
    "MOVING_UPLOAD_KEEP_DAYS": 7,
    # A running job whose worker has not given a sign of life for this long is taken as dead:
    # it can be retried (an import is all or nothing, so a dead one left nothing behind).
    "MOVING_STALE_SECONDS": 300,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
