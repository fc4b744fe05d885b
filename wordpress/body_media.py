"""Images, galleries and embeds inside post content, brought into the media library.

After the whole export has been read (an attachment may come after the post that shows it),
each post whose content holds media is rewritten from its exported content:
- an <img> of the old uploads folder (the original or a size variant such as foto-300x200.jpg)
  becomes a library image, imported once per file, and links to the file point at the new one;
- [gallery ids="…"] (or [gallery] for the post's own attachments) and wp:gallery blocks become
  galleries; [embed], wp:embed blocks and a provider's address alone on its line become embeds;
- an upload not found under --media-dir is left as it was and listed in the summary; an image
  from another site becomes a link to it (no request to a third party from our pages), unless
  --keep-remote-images keeps it as an image.
The exported content waits in a temporary file, not in memory. Files written by an import that
then fails are deleted.
"""

import html
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.html import format_html

from blog.models import Article
from media import pipeline
from media.embeds import find_embed
from media.models import Image
from media.services import file_checksum, image_create, image_files_remove
from wordpress.media import (
    Attachment,
    UploadAddresses,
    find_upload,
    largest_variant,
    original_path,
)
from wordpress.models import ImportedFile
from wordpress.moving import ImportReport
from wordpress.text import post_html

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_LINK_START = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_WP_IMAGE = re.compile(r"\bwp-image-(\d+)\b")
_GALLERY_SHORTCODE = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
_EMBED_SHORTCODE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
_GALLERY_BLOCK = re.compile(
    r"<!--\s*wp:gallery\b.*?-->(.*?)<!--\s*/wp:gallery\s*-->", re.IGNORECASE | re.DOTALL
)
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(\{.*?\})?\s*/?-->"
    r"(?:(.*?)<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->)?",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_CAPTION = re.compile(
    r"<figcaption\b[^>]*blocks-gallery-caption[^>]*>(.*?)</figcaption>\s*(?=</figure>\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_BARE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
_URL_IN_BLOCK = re.compile(r"https?://[^\s<>\"']+")
_TAGS = re.compile(r"<[^>]+>")
MARKERS = ("<img", "[gallery", "wp:gallery", "[embed", "wp:embed", "wp:core-embed", "uploads/")

IMAGES, GALLERIES, EMBEDS = "images", "galleries", "embeds"


def _attributes(tag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(tag):
        attrs.setdefault(name.lower(), html.unescape(double or single or bare))
    return attrs


@dataclass(slots=True)
class _Wanted:
    article_pk: int  # or a page's, when model is Page
    post_id: int
    offset: int
    length: int
    label: str
    model: type = Article


class BodyMedia:
    def __init__(
        self,
        *,
        report: ImportReport,
        media_dir: Path | None,
        dry_run: bool,
        keep_remote: bool,
        attachments: dict[int, Attachment],
        addresses: UploadAddresses,
        source: Callable[[], str],
    ):
        self.report = report
        self.media_dir = media_dir.resolve() if media_dir is not None else None
        self.dry_run = dry_run
        self.keep_remote = keep_remote
        self.attachments = attachments
        self.addresses = addresses  # which addresses are the export's own uploads
        self.source = source  # the site's key, known once the channel has been read
        self.wanted: list[_Wanted] = []
        self.spool = None
        self.images: dict[str, Image | None] = {}  # original path -> library image
        self.created: list[Image] = []
        self.post_id = 0

    # Collecting, while the export streams by.

    def want(
        self, article_pk: int, post_id: int, content: str, label: str, model: type = Article
    ) -> None:
        """An article's content (or a page's, with model=Page) to rewrite at the end."""
        if not (any(m in content for m in MARKERS) or _BARE_URL.search(content)):
            return
        if self.spool is None:
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by import_all()
        data = content.encode()
        offset = self.spool.seek(0, 2)
        self.spool.write(data)
        self.wanted.append(_Wanted(article_pk, post_id, offset, len(data), label, model))

    # Rewriting, once the export has been read.

    def import_all(self) -> None:
        for wanted in self.wanted:
            self.report.writing_one("bodies with media rewritten", total=len(self.wanted))
            self.spool.seek(wanted.offset)
            content = self.spool.read(wanted.length).decode()
            self.label, self.post_id = wanted.label, wanted.post_id
            body = self.rewrite(content)
            if self.dry_run:
                continue
            article = wanted.model.objects.get(pk=wanted.article_pk)
            body = post_html(body)
            if body != article.body:
                article.body = body
                article.save(update_fields=["body"])
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def rewrite(self, content: str) -> str:
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        content = _EMBED_BLOCK.sub(self._embed_block, content)
        content = _EMBED_SHORTCODE.sub(lambda m: self._embed(html.unescape(m.group(1))), content)
        content = _GALLERY_BLOCK.sub(self._gallery_block, content)
        content = _GALLERY_SHORTCODE.sub(self._gallery_shortcode, content)
        content = _BARE_URL.sub(self._bare_url, content)
        content = _IMG.sub(self._img, content)
        return _LINK_START.sub(self._link, content)

    # Embeds.

    def _embed(self, url: str, title: str = "") -> str:
        url = url.strip()
        embed = find_embed(url)
        if embed is None:
            self.report.note(EMBEDS, "not an allowed provider: kept as a link", self.label)
            return format_html('\n\n<p><a href="{}">{}</a></p>\n\n', url, title or url)
        self.report.count(EMBEDS, "created")
        return format_html(
            '\n\n<figure data-embed="{}"><a href="{}">{}</a></figure>\n\n',
            embed.provider,
            embed.url,
            title or embed.default_title(),
        )

    def _embed_block(self, match: re.Match) -> str:
        try:
            options = json.loads(match.group(1) or "{}")
        except ValueError:
            options = {}
        url = options.get("url", "") if isinstance(options, dict) else ""
        if not url:
            found = _URL_IN_BLOCK.search(_TAGS.sub(" ", match.group(2) or ""))
            url = found.group(0) if found else ""
        if not url:
            return match.group(0)
        caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", match.group(2) or "", re.S)
        title = html.unescape(_TAGS.sub("", caption.group(1))).strip() if caption else ""
        return self._embed(url, title)

    def _bare_url(self, match: re.Match) -> str:
        url = html.unescape(match.group(1))
        if find_embed(url) is None:
            return match.group(0)
        return self._embed(url)

    # Galleries.

    def _gallery(self, images: list[Image], caption: str = "") -> str:
        if not images:
            return ""
        self.report.count(GALLERIES, "created")
        ids = ",".join(dict.fromkeys(str(image.pk) for image in images))
        return format_html(
            '\n\n<figure data-gallery="{}" data-align="wide">{}</figure>\n\n',
            ids,
            format_html("<figcaption>{}</figcaption>", caption) if caption else "",
        )

    def _gallery_shortcode(self, match: re.Match) -> str:
        options = _attributes(match.group(1))
        if options.get("ids"):
            ids = [int(i) for i in re.findall(r"\d+", options["ids"])]
        else:  # the post's own attached images, in upload order
            ids = sorted(pk for pk, a in self.attachments.items() if a.parent == self.post_id)
        images = []
        for pk in ids:
            attachment = self.attachments.get(pk)
            if attachment is None:
                self.report.skip(IMAGES, "gallery item not in the export", f"{self.label}: #{pk}")
                continue
            image = self.image_for(
                attachment.url, attachment.alt, attachment.caption, known=attachment
            )
            if image is not None:
                images.append(image)
        return self._gallery(images) if images else match.group(0)

    def _gallery_block(self, match: re.Match) -> str:
        inner = match.group(1)
        caption_match = _BLOCK_CAPTION.search(inner.strip())
        caption = (
            html.unescape(_TAGS.sub("", caption_match.group(1))).strip() if caption_match else ""
        )
        images = []
        for tag in _IMG.findall(inner):
            attrs = _attributes(tag)
            image = self.image_for(attrs.get("src", ""), attrs.get("alt", ""), "", attrs)
            if image is not None:
                images.append(image)
        return self._gallery(images, caption) if images else match.group(0)

    # Single images and links to files.

    def _img(self, match: re.Match) -> str:
        tag = match.group(0)
        attrs = _attributes(tag)
        src = attrs.get("src", "")
        if not src or "data-media-id" in attrs:
            return tag
        if not self.addresses.relative(src):
            if self.keep_remote or not src.lower().startswith(("http://", "https://", "//")):
                return tag
            self.report.note(IMAGES, "image on another site: made a link", self.label)
            return format_html('<a href="{}">{}</a>', src, attrs.get("alt") or src)
        image = self.image_for(src, attrs.get("alt", ""), "", attrs)
        if image is None:
            return tag
        return format_html(
            '<img data-media-id="{}" src="{}" alt="{}">',
            image.pk,
            image.file.url,
            attrs.get("alt") or image.alt_text,
        )

    def _link(self, match: re.Match) -> str:
        tag = match.group(0)
        href = _attributes(tag).get("href", "")
        relative = self.addresses.relative(href)
        if not relative:
            return tag
        image = self.images.get(original_path(relative))
        if image is None:
            return tag
        return format_html('<a href="{}">', image.file.url)

    # The library.

    def image_for(
        self,
        url: str,
        alt: str,
        caption: str,
        attrs: dict | None = None,
        known: Attachment | None = None,
    ):
        """The library image for an upload's address, imported the first time (with its
        attachment's alt text, caption and title); None when the file cannot be found or used
        (reported)."""
        relative = self.addresses.relative(url)
        if not relative:
            return None
        original = original_path(relative)
        if original in self.images:
            return self.images[original]
        attachment = known or self._attachment(attrs)
        title = ""
        if attachment is not None:
            alt, caption = alt or attachment.alt, caption or attachment.caption
            title = attachment.title
        image = self._import(original, relative, url, (alt, caption, title))
        self.images[original] = image
        return image

    def _attachment(self, attrs: dict | None) -> Attachment | None:
        found = _WP_IMAGE.search((attrs or {}).get("class", ""))
        return self.attachments.get(int(found.group(1))) if found else None

    def _import(self, original: str, relative: str, url: str, texts: tuple[str, str, str]):
        alt, caption, title = texts
        source = self.source()
        known = ImportedFile.objects.filter(source=source, path=original).first()
        if known is not None:
            self.report.count(IMAGES, "unchanged")
            return known.image
        if self.media_dir is None:
            self.report.skip(IMAGES, "no --media-dir given: left as it was", original)
            return None
        path = (
            find_upload(self.media_dir, original)
            or find_upload(self.media_dir, relative)
            or largest_variant(self.media_dir, original)
        )
        self.report.upload(original, found=path is not None)
        if path is None:
            self.report.skip(IMAGES, "not found under --media-dir: left as it was", original)
            return None
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            checksum = file_checksum(upload)
            existing = Image.objects.filter(checksum=checksum).first()
            try:
                if self.dry_run:
                    pipeline.validate_image_upload(upload)
                    self.report.count(IMAGES, "created")
                    self.report.upload(original, imported=True)
                    return None
                if existing is not None:
                    image = existing
                    self.report.count(IMAGES, "unchanged")
                else:
                    image = image_create(
                        file=upload,
                        alt_text=html.unescape(alt),
                        caption=html.unescape(caption),
                        title=html.unescape(title),
                        source=url,
                        checksum=checksum,
                    )
                    self.created.append(image)
                    self.report.count(IMAGES, "created")
                    self.report.upload(original, imported=True)
            except ValidationError as exc:
                self.report.skip(IMAGES, f"not a usable image: {' '.join(exc.messages)}", original)
                return None
        ImportedFile.objects.create(source=source, path=original, image=image)
        return image

    def delete_stored(self) -> None:
        """Remove the files this import wrote (when its transaction did not commit)."""
        for image in self.created:
            image_files_remove(image=image)
        self.created.clear()
