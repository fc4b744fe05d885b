"""The one image pipeline: every upload (library image, cover, avatar) is validated, stripped of
metadata, and served as responsive renditions.

An upload is re-encoded from its pixels (EXIF, GPS, comments and ICC extras gone, orientation
applied, CMYK turned into RGB) before it is stored; WebP renditions at the widths in
IMAGE_RENDITION_WIDTHS sit beside it under predictable names, so templates can build srcset
without a query. An animated GIF keeps its animation (the library serves it without renditions:
a WebP still would stop it).
"""

import io
import itertools
import os
import re
import shutil
import warnings
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from media import conf

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
UPLOAD_HELP_TEXT = _("A JPEG, PNG, WebP or GIF image. Metadata such as GPS position is removed.")


# An upload is stored re-encoded with its renditions beside it: room for a few times its size.
SPACE_FACTOR = 4


def check_space(size: int | None) -> None:
    """Refuse an upload the media folder has no room for, before anything is written (a form
    then keeps what the editor typed). Only a storage on this machine's disk can tell."""
    root = getattr(default_storage, "location", None)
    if not size or not root:
        return
    try:
        free = shutil.disk_usage(root if os.path.isdir(root) else os.path.dirname(root)).free
    except OSError:
        return
    if free < size * SPACE_FACTOR + conf.get("IMAGE_MIN_FREE_BYTES"):
        raise ValidationError(
            _("The server has no space left to store this image; nothing was saved."),
            code="no_space",
        )


# A GIF after its screen descriptor: blocks, each introduced by one byte (Pillow skips others).
_GIF_BLOCK = re.compile(rb"[!,;]")


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """The position after a chain of GIF data sub-blocks (a length byte each, 0 to end)."""
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _table_size(packed: int) -> int:
    return 3 << ((packed & 7) + 1) if packed & 0x80 else 0


def gif_frame_count(data: bytes, limit: int) -> int:
    """The frames of a GIF as Pillow reads them, counted from the block structure without
    decoding any, and only up to limit + 1: a file of 400,000 tiny frames costs no more to
    refuse than one just over the limit."""
    pos = 13 + _table_size(data[10] if len(data) > 10 else 0)
    frames = 0
    while frames <= limit:
        block = _GIF_BLOCK.search(data, pos)
        if block is None or block.group() == b";":
            break
        pos = block.end()
        if block.group() == b"!":
            pos = _skip_sub_blocks(data, pos + 1)  # the label, then the extension's data
            continue
        frames += 1
        packed = data[pos + 8] if pos + 8 < len(data) else 0
        # The image descriptor, its colour table, the LZW code size, then the pixel data.
        pos = _skip_sub_blocks(data, pos + 9 + _table_size(packed) + 1)
    return frames


def _frames(image: Image.Image, file) -> int:
    """How many frames the pipeline would decode: a GIF's are counted, and refused above
    IMAGE_MAX_FRAMES before any is decoded (other formats keep their first frame only)."""
    if image.format != "GIF":
        return 1
    max_frames = conf.get("IMAGE_MAX_FRAMES")
    file.seek(0)
    frames = gif_frame_count(file.read(), max_frames)
    if frames > max_frames:
        raise ValidationError(
            _(
                "This animation has more than %(max)s frames, the most an image may have. "
                "Shorten it and upload it again."
            ),
            code="too_many_frames",
            params={"max": max_frames},
        )
    return max(frames, 1)


def _check_pixels(image: Image.Image, frames: int) -> None:
    width, height = image.size
    if width * height * frames > conf.get("IMAGE_MAX_PIXELS"):
        raise ValidationError(
            _("The image is too large (%(w)s x %(h)s pixels); at most %(mp)s megapixels."),
            code="too_many_pixels",
            params={
                "w": width,
                "h": height,
                "mp": floatformat(conf.get("IMAGE_MAX_PIXELS") / 1_000_000, -1),
            },
        )


def _check_size(file) -> None:
    max_bytes = conf.get("IMAGE_MAX_UPLOAD_BYTES")
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    check_space(file.size)


def _open(file) -> Image.Image:
    """Open an upload with Pillow; every way it can fail becomes a clear ValidationError.

    Nothing is decoded but the first frame, and only once the limits (bytes, frames, frames x
    pixels) have been checked from the headers."""
    _check_size(file)
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="invalid_format"
                )
            _check_pixels(image, _frames(image, file))
            file.seek(0)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image is too large to process safely."), code="decompression_bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("The file is not an image, or it is damaged."), code="invalid_image"
        ) from None
    finally:
        file.seek(0)
    return image


def validate_image_upload(file) -> None:
    """Model-field validator: a real JPEG, PNG, WebP or GIF within the size limits."""
    if getattr(file, "_committed", False):
        # Already stored, so checked when it was uploaded. Model validation runs on every save
        # (any admin edit): re-reading it would fail on a closed or missing file, or refuse an
        # old image under tightened limits, for a field nobody touched.
        return
    _open(file)


def _encode(image: Image.Image, fmt: str, frames: list | None = None) -> bytes:
    buffer = io.BytesIO()
    if frames:
        image.save(buffer, "GIF", save_all=True, append_images=frames, loop=0, disposal=2)
    elif fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=82, method=4)
    elif fmt == "GIF":
        image.save(buffer, "GIF")
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _clean_copy(image: Image.Image) -> Image.Image:
    """Pixels only: orientation applied, every metadata chunk left behind."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    clean.paste(image)
    return clean


def _animation(image: Image.Image) -> tuple[Image.Image, str, list[Image.Image]]:
    """A GIF's frames, clean, with their durations: never more than IMAGE_MAX_FRAMES decoded
    (_open refused more; the slice holds even if Pillow read the file otherwise)."""
    frames = []
    for source in itertools.islice(ImageSequence.Iterator(image), conf.get("IMAGE_MAX_FRAMES")):
        frame = _clean_copy(source.copy())
        if frame.mode == "RGB":
            # Pillow hands the frames after the first as RGB: the GIF encoder's own palette for
            # them (median cut) takes seconds over a long animation, a fast octree a fraction.
            # (RGBA frames already get one, with their transparency.)
            frame = frame.quantize(256, method=Image.Quantize.FASTOCTREE)
        frame.info["duration"] = source.info.get("duration", 100)
        frames.append(frame)
    return frames[0], "GIF", frames[1:]


def prepare_upload(field_file) -> None:
    """Before saving a model: replace a new upload with a metadata-free re-encoding."""
    if not field_file or getattr(field_file, "_committed", True):
        return
    upload = field_file.file
    image = _open(upload)
    fmt = image.format
    if fmt == "GIF" and image.is_animated:
        data = _encode(*_animation(image))
    else:
        data = _encode(_clean_copy(image), fmt)
    name = PurePosixPath(field_file.name).with_suffix("." + ALLOWED_FORMATS[fmt]).name
    field_file.file = ContentFile(data, name=name)
    field_file.name = name
    # Orientation may have swapped width and height: measure the stored pixels again.
    field_file.__dict__.pop("_dimensions_cache", None)
    field_file.field.update_dimension_fields(field_file.instance, force=True)


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.w{width}.webp"))


def rendition_widths(original_width: int | None) -> list[int]:
    """The rendition widths that exist for an image this wide (never an upscale)."""
    if not original_width:
        return []
    return [w for w in conf.get("IMAGE_RENDITION_WIDTHS") if w < original_width]


def make_renditions(field_file) -> list[int]:
    """After saving a model: write the WebP renditions that do not exist yet; the widths."""
    if not field_file:
        return []
    storage = field_file.storage
    all_widths = rendition_widths(field_file.width)
    widths = [w for w in all_widths if not storage.exists(rendition_name(field_file.name, w))]
    if not widths:
        return all_widths
    with field_file.open("rb") as handle, Image.open(handle) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        for width in widths:
            height = max(1, round(image.height * width / image.width))
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            storage.save(
                rendition_name(field_file.name, width), ContentFile(_encode(resized, "WEBP"))
            )
    return all_widths


def is_animated(field_file) -> bool:
    """Whether a stored image has several frames (an animated GIF)."""
    if not field_file or not field_file.name.lower().endswith(".gif"):
        return False
    with field_file.open("rb") as handle, Image.open(handle) as image:
        return image.is_animated  # reads up to the second frame's header, no further
