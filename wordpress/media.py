"""Featured images: WordPress's _thumbnail_id, found as a file under --media-dir.

A post names its featured image by the attachment's id, and the attachment may come anywhere in
the export, before or after the post: attachments are remembered (a few strings each) and the
covers imported once the whole file has been read. A file goes through Article.save() like an
upload in the admin (validated, re-encoded without metadata, renditions made). Files written by
an import that then fails are deleted, so a failed import leaves no trace in the media storage.
"""

import glob
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from blog.models import Article
from core.sanitizer import strip_all_tags
from media import conf as media_conf
from media import pipeline as images
from wordpress.moving import ImportReport
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


# Jetpack's image CDN (Photon): https://i0.wp.com/<host>/<path>?resize=...
_PHOTON_HOST = re.compile(r"^i\d\.wp\.com$")


def _host(netloc: str) -> str:
    return netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0].removeprefix("www.")


class UploadAddresses:
    """Which addresses are the export's own uploads, whatever host serves them, and where each
    sits below the uploads root ("2019/05/foto-300x200.jpg").

    The roots are learnt from the export itself: the site's own wp-content/uploads/, each
    attachment's wp:attachment_url minus its _wp_attached_file (on WordPress.com,
    https://<site>.files.wordpress.com/), and <site>.files.wordpress.com for a <site>.wordpress.com
    blog. Jetpack's CDN addresses (i0.wp.com/<host>/<path>) are read as the address they wrap,
    query parameters (sizes, crops) are ignored. An address on any other host is another site's,
    even if its path has a wp-content/uploads/ in it.
    """

    def __init__(self):
        self.hosts: set[str] = set()
        self.roots: set[tuple[str, str]] = set()  # (host, path prefix ending with "/")

    def add_site(self, address: str) -> None:
        parts = urlsplit(address.strip())
        host = _host(parts.netloc)
        if not host or host == "wordpress.com":  # WordPress.com exports name it as base_site_url
            return
        self.hosts.add(host)
        base = unquote(parts.path).rstrip("/") + "/"
        self.roots.add((host, f"{base}wp-content/uploads/"))
        if host.endswith(".wordpress.com") and not host.endswith(".files.wordpress.com"):
            files = host.removesuffix(".wordpress.com") + ".files.wordpress.com"
            self.hosts.add(files)
            self.roots.add((files, "/"))

    def add_attachment(self, url: str, attached_file: str) -> None:
        parts = urlsplit(url.strip())
        host = _host(parts.netloc)
        if not host:
            return
        self.hosts.add(host)
        path = unquote(parts.path)
        attached = attached_file.strip().lstrip("/")
        if attached and path.endswith("/" + attached):
            self.roots.add((host, path[: len(path) - len(attached)]))

    def relative(self, url: str) -> str:
        """The path below the uploads root of one of the export's uploads, "" for any other
        address (another site's image, a page, nothing)."""
        parts = urlsplit(url.strip())
        host, path = _host(parts.netloc), unquote(parts.path)
        if _PHOTON_HOST.match(host):
            wrapped, _, rest = path.lstrip("/").partition("/")
            host, path = _host(wrapped), "/" + rest
        if host and self.hosts and host not in self.hosts:
            return ""
        for root_host, prefix in sorted(self.roots, key=lambda r: -len(r[1])):
            if (not host or host == root_host) and path.startswith(prefix) and path != prefix:
                return path[len(prefix) :]
        return uploads_path(path)


def uploads_relative(attachment: Attachment, addresses: UploadAddresses | None = None) -> str:
    """Where the file sits below wp-content/uploads/ ("2019/05/foto.jpg")."""
    if attachment.file:  # WordPress 2.x stored the server's absolute path here
        file = attachment.file.replace("\\", "/")
        return uploads_path("/" + file.lstrip("/")) or file.lstrip("/")
    relative = (addresses or UploadAddresses()).relative(attachment.url)
    return relative or unquote(urlsplit(attachment.url).path).rsplit("/", 1)[-1]


def uploads_path(url: str) -> str:
    """The path below wp-content/uploads/ of an address ("" when it is not an upload)."""
    match = _UPLOADS.search(unquote(urlsplit(url).path))
    return (match.group(1) or match.group(2)) if match else ""


def original_path(relative: str) -> str:
    """foto-300x200.jpg, foto-scaled.jpg -> foto.jpg: WordPress's sizes of one upload."""
    path = PurePosixPath(relative)
    return str(path.with_name(_SIZE_SUFFIX.sub("", path.name)))


class MediaDirRefused(Exception):
    """--media-dir is a folder the site serves: the message says why that is refused."""


def check_media_dir(media_dir: Path) -> None:
    """Refuse a --media-dir inside MEDIA_ROOT or STATIC_ROOT (or equal to one).

    The export's files are originals, with their camera's metadata and GPS position: what the
    site serves from those folders is public, so a copy there is published before the import
    has even stripped them. The import reads the files; the library keeps clean copies.
    """
    folder = media_dir.resolve()
    for name, root in (("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT)):
        if root and folder.is_relative_to(Path(root).resolve()):
            raise MediaDirRefused(
                f"--media-dir {media_dir} is inside {name} ({root}), a folder the site serves "
                "to anyone: the original files there, with their camera data and GPS position, "
                "would be public. Move the export's uploads to a folder outside MEDIA_ROOT and "
                "STATIC_ROOT (e.g. ../wordpress-export/uploads) and import from there; the "
                "import keeps copies without metadata in the media library."
            )


def find_upload(media_dir: Path, relative: str) -> Path | None:
    """A file under --media-dir, which may be the uploads folder, wp-content or the site; never
    outside it (a path with ../ in an export stays inside)."""
    root = media_dir
    for base in (root, root / "uploads", root / "wp-content" / "uploads"):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


_VARIANT_SIZE = re.compile(r"-(\d+)x(\d+)\.\w+$")


def largest_variant(media_dir: Path, original: str) -> Path | None:
    """The biggest of WordPress's size variants of an upload whose original is gone."""
    relative = PurePosixPath(original)
    found = []
    for base in (media_dir, media_dir / "uploads", media_dir / "wp-content" / "uploads"):
        folder = (base / relative.parent).resolve()
        if not folder.is_relative_to(media_dir) or not folder.is_dir():
            continue
        for candidate in folder.glob(f"{glob.escape(relative.stem)}-*x*{relative.suffix}"):
            size = _VARIANT_SIZE.search(candidate.name)
            if size and candidate.is_file():
                found.append((int(size.group(1)) * int(size.group(2)), candidate))
    return max(found)[1] if found else None


class Covers:
    def __init__(self, *, report: ImportReport, media_dir: Path | None, dry_run: bool):
        self.report = report
        self.media_dir = media_dir.resolve() if media_dir is not None else None
        self.dry_run = dry_run
        self.attachments: dict[int, Attachment] = {}
        self.addresses = UploadAddresses()
        self.wanted: list[tuple[int, int, str]] = []
        self.stored: list[str] = []

    def remember_attachment(self, item: WxrItem) -> None:
        url = item.attachment_url or item.guid
        attached_file = item.meta.get("_wp_attached_file", "")
        self.addresses.add_attachment(url, attached_file)
        self.attachments[item.post_id] = Attachment(
            url=url,
            file=attached_file,
            alt=strip_all_tags(item.meta.get("_wp_attachment_image_alt", "")),
            caption=strip_all_tags(item.excerpt),
            parent=item.parent_id,
        )

    def want(self, article_pk: int, attachment_id: int, label: str) -> None:
        self.wanted.append((article_pk, attachment_id, label))

    def find(self, attachment: Attachment) -> Path | None:
        """The file under --media-dir, which may be the uploads folder, wp-content or the site."""
        relative = uploads_relative(attachment, self.addresses)
        return find_upload(self.media_dir, relative) or largest_variant(
            self.media_dir, original_path(relative)
        )

    def import_all(self) -> None:
        for article_pk, attachment_id, label in self.wanted:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.report.skip(KIND, "attachment not in the export", label)
            elif self.media_dir is None:
                self.report.skip(KIND, "no --media-dir given", label)
            else:
                path = self.find(attachment)
                relative = uploads_relative(attachment, self.addresses)
                self.report.upload(original_path(relative), found=path is not None)
                if path is None:
                    missing = f"{label}: {relative}"
                    self.report.skip(KIND, "file not found under --media-dir", missing)
                elif self._import(Article.objects.get(pk=article_pk), attachment, path, label):
                    self.report.upload(original_path(relative), imported=True)

    def _import(self, article: Article, attachment: Attachment, path: Path, label: str) -> bool:
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
                return False
        if not self.dry_run:
            self.stored.append(article.cover.name)
        self.report.count(KIND, "created")
        return True

    def delete_stored(self) -> None:
        """Remove the files this import wrote (when its transaction did not commit)."""
        storage = Article._meta.get_field("cover").storage
        for name in self.stored:
            for width in media_conf.get("IMAGE_RENDITION_WIDTHS"):
                storage.delete(images.rendition_name(name, width))
            storage.delete(name)
        self.stored.clear()
