"""Writes on the media library: adding an image, recording where images are used, deleting.

Every way an image enters the library (the admin's upload form, the editor's chooser, the
WordPress import) goes through image_create: validated and re-encoded by the one pipeline, stored
whole or not at all.
"""

import contextlib
import errno
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from media import pipeline, selectors
from media.models import Image, ImageUse

NO_SPACE_MESSAGE = _("The server has no space left to store this image; nothing was saved.")
STORAGE_MESSAGE = _("The image could not be stored (%(reason)s); nothing was saved.")


class ImageInUse(ValidationError):
    """Deleting an image still used somewhere: the uses say where."""

    def __init__(self, uses: list[ImageUse]):
        self.uses = uses
        super().__init__(
            _("This image is used in %(count)d places; remove it from them first."),
            code="image_in_use",
            params={"count": len(uses)},
        )


def file_checksum(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def image_create(
    *,
    file,
    uploaded_by=None,
    title: str = "",
    alt_text: str = "",
    caption: str = "",
    credit: str = "",
    source: str = "",
    checksum: str = "",
) -> Image:
    """A new library image from an uploaded or opened file.

    Raises ValidationError with a reader-facing message for anything that is not a usable image
    (too big, a bomb, not an image at all) and for a storage that fails (a full disk): then no
    row and no file remain.
    """
    pipeline.validate_image_upload(file)
    name = getattr(file, "name", "") or "image"
    image = Image(
        file=file,
        uploaded_by=uploaded_by,
        title=(title or _title_from_name(name))[:200],
        alt_text=alt_text[:250],
        caption=caption[:300],
        credit=credit[:200],
        source=source[:300],
        checksum=checksum or file_checksum(file),
    )
    try:
        with transaction.atomic():
            image.save()
    except OSError as exc:
        _delete_files(image)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ValidationError(NO_SPACE_MESSAGE, code="no_space") from None
        raise ValidationError(
            STORAGE_MESSAGE, code="storage_failed", params={"reason": exc.strerror or exc}
        ) from None
    except BaseException:
        _delete_files(image)
        raise
    return image


def _title_from_name(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("-", " ").replace("_", " ").strip()


def image_files_remove(*, image: Image) -> None:
    """Remove an image's files now: for a caller whose own transaction rolled back (an import)."""
    _delete_files(image)


def _delete_files(image: Image) -> None:
    if not image.file or not image.file.name:
        return
    storage = image.file.storage
    for name in image.stored_names():
        with contextlib.suppress(OSError):  # what cannot be deleted was probably never written
            storage.delete(name)


def image_delete(*, image: Image) -> None:
    """Delete an unused image and its files (after commit); refused while anything uses it."""
    uses = selectors.image_uses(image)
    if uses:
        raise ImageInUse(uses)
    with transaction.atomic():
        image.delete()


def image_files_delete(*, image: Image) -> None:
    """After an image row is deleted (signal): its files go once the deletion is committed."""
    transaction.on_commit(lambda: _delete_files(image))


def image_uses_set(*, obj, image_ids: set[int], label: str) -> None:
    """Record that `obj` (an article, a page) uses exactly these library images."""
    content_type = ContentType.objects.get_for_model(obj)
    existing = set(Image.objects.filter(pk__in=image_ids).values_list("pk", flat=True))
    uses = ImageUse.objects.filter(content_type=content_type, object_id=obj.pk)
    if not existing:  # one query, not five, for the many bodies without library images
        uses.delete()
        return
    with transaction.atomic():
        uses.exclude(image_id__in=existing).delete()
        uses.filter(image_id__in=existing).exclude(label=label[:300]).update(label=label[:300])
        known = set(uses.values_list("image_id", flat=True))
        ImageUse.objects.bulk_create(
            [
                ImageUse(
                    image_id=pk, content_type=content_type, object_id=obj.pk, label=label[:300]
                )
                for pk in existing - known
            ]
        )


def image_uses_clear(*, obj) -> None:
    """`obj` is gone: it uses nothing any more."""
    content_type = ContentType.objects.get_for_model(obj)
    ImageUse.objects.filter(content_type=content_type, object_id=obj.pk).delete()
