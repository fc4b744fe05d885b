"""Featured images: WordPress's _thumbnail_id, found as a file under --media-dir.

A post names its featured image by the attachment's id, and the attachment may come anywhere in
the export, before or after the post: attachments are remembered (a few strings each) and the
covers imported once the whole file has been read. A file goes through Article.save() like an
upload in the admin (validated, re-encoded without metadata, renditions made). Files written by
an import that then fails are deleted, so a failed import leaves no trace in the media storage.
"""

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from blog.models import Article
from core.sanitizer import strip_all_tags
from media import conf as media_conf
from media import pipeline as images
from wordpress.report import ImportReport
from wordpress.wxr import WxrItem

KIND = "featured images"
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.\w+$)")
_UPLOADS = re.compile(r"/wp-content/uploads/(.+)$|/uploads/(.+)$")


@dataclass(slots=True)
class Attachment:
    url: str
    file: str  # relative to the uploads folder, when the export says
    alt: str
    caption: str
    parent: int | None = None


def uploads_relative(attachment: Attachment) -> str:
    """Where the file sits below wp-content/uploads/ ("2019/05/foto.jpg")."""
    if attachment.file:
        return attachment.file
    path = unquote(urlsplit(attachment.url).path)
    match = _UPLOADS.search(path)
    if match:
        return match.group(1) or match.group(2)
    return path.rsplit("/", 1)[-1]


def uploads_path(url: str) -> str:
    """The path below wp-content/uploads/ of an address ("" when it is not an upload)."""
    match = _UPLOADS.search(unquote(urlsplit(url).path))
    return (match.group(1) or match.group(2)) if match else ""


def original_path(relative: str) -> str:
    """foto-300x200.jpg, foto-scaled.jpg -> foto.jpg: WordPress's sizes of one upload."""
    path = PurePosixPath(relative)
    return str(path.with_name(_SIZE_SUFFIX.sub("", path.name)))


def find_upload(media_dir: Path, relative: str) -> Path | None:
    """A file under --media-dir, which may be the uploads folder, wp-content or the site; never
    outside it (a path with ../ in an export stays inside)."""
    root = media_dir
    for base in (root, root / "uploads", root / "wp-content" / "uploads"):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class Covers:
    def __init__(self, *, report: ImportReport, media_dir: Path | None, dry_run: bool):
        self.report = report
        self.media_dir = media_dir.resolve() if media_dir is not None else None
        self.dry_run = dry_run
        self.attachments: dict[int, Attachment] = {}
        self.wanted: list[tuple[int, int, str]] = []
        self.stored: list[str] = []

    def remember_attachment(self, item: WxrItem) -> None:
        self.attachments[item.post_id] = Attachment(
            url=item.attachment_url or item.guid,
            file=item.meta.get("_wp_attached_file", ""),
            alt=strip_all_tags(item.meta.get("_wp_attachment_image_alt", "")),
            caption=strip_all_tags(item.excerpt),
            parent=item.parent_id,
        )

    def want(self, article_pk: int, attachment_id: int, label: str) -> None:
        self.wanted.append((article_pk, attachment_id, label))

    def find(self, attachment: Attachment) -> Path | None:
        """The file under --media-dir, which may be the uploads folder, wp-content or the site."""
        return find_upload(self.media_dir, uploads_relative(attachment))

    def import_all(self) -> None:
        for article_pk, attachment_id, label in self.wanted:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.report.skip(KIND, "attachment not in the export", label)
            elif self.media_dir is None:
                self.report.skip(KIND, "no --media-dir given", label)
            else:
                path = self.find(attachment)
                if path is None:
                    self.report.skip(
                        KIND,
                        "file not found under --media-dir",
                        f"{label}: {uploads_relative(attachment)}",
                    )
                else:
                    self._import(Article.objects.get(pk=article_pk), attachment, path, label)

    def _import(self, article: Article, attachment: Attachment, path: Path, label: str) -> None:
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                if self.dry_run:
                    images.validate_image_upload(upload)  # checked, never written
                else:
                    article.cover = upload
                    article.cover_alt = article.cover_alt or attachment.alt[:250]
                    article.cover_caption = article.cover_caption or attachment.caption[:300]
                    article.save()
            except ValidationError as exc:
                self.report.skip(KIND, f"not a usable image: {' '.join(exc.messages)}", label)
                return
        if not self.dry_run:
            self.stored.append(article.cover.name)
        self.report.count(KIND, "created")

    def delete_stored(self) -> None:
        """Remove the files this import wrote (when its transaction did not commit)."""
        storage = Article._meta.get_field("cover").storage
        for name in self.stored:
            for width in media_conf.get("IMAGE_RENDITION_WIDTHS"):
                storage.delete(images.rendition_name(name, width))
            storage.delete(name)
        self.stored.clear()
