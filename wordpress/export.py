"""Leaving freely: the whole site as a WordPress export (WXR 1.2), its media files and one JSON
document, written as a stream (one object at a time, never the whole site in memory).

OUTPUT_DIR/wordpress.xml   what WordPress's own importer (Tools > Import > WordPress) takes:
                           authors, categories (with parents), tags, articles and pages with
                           their status and dates, attachments for the library images and the
                           covers, menus (nav_menu_item records, as WordPress writes them) and
                           comments with their parents, statuses and email addresses.
OUTPUT_DIR/uploads/        the media files, laid out as WordPress's uploads folder (YYYY/MM/name,
                           by upload date): give it to `import_wordpress --media-dir`.
OUTPUT_DIR/site.json       the same content, for other tools.

This is the owner's copy: drafts come with their status, and the commenters' email addresses and
IP addresses are in it. Only the command line (an administrator) makes it; the files are written
readable by their owner only, and never inside a folder the site serves.

Bodies refer to library images by id (data-media-id); the export writes each as an <img> of the
image's absolute address with WordPress's wp-image-<attachment id> class, a gallery as a
wp:gallery block of attachments (its caption kept), an embed as a wp:embed block: what
WordPress shows, and what `import_wordpress` brings back into the library.
"""

import gc
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape, unescape
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import XMLGenerator

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from blog.models import Article, Author, Category, Tag
from comments.models import Comment
from media.models import Image
from media.render import referenced_ids
from pages.models import Menu, MenuItem, Page
from wordpress.moving import ImportReport

WXR_VERSION = "1.2"
EXPORT_TYPES = (
    "authors",
    "categories",
    "tags",
    "articles",
    "pages",
    "comments",
    "media",
    "menus",
    "menu items",
)
NAMESPACES = {
    "xmlns:excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns:wfw": "http://wellformedness.org/wiki/CommentAPI/",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:wp": "http://wordpress.org/export/1.2/",
}
COMMENT_STATES = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REJECTED: "trash",
}
ITERATOR_CHUNK = 200

_IMG = re.compile(r"<img\b[^>]*\bdata-media-id=\"(\d+)\"[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"\balt=\"([^\"]*)\"")
_GALLERY = re.compile(r"<figure\b[^>]*\bdata-gallery=\"([\d,]*)\"[^>]*>(.*?)</figure>", re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)
_EMBED = re.compile(
    r"<figure\b[^>]*\bdata-embed=\"([\w-]*)\"[^>]*>\s*<a\b[^>]*\bhref=\"([^\"]*)\"[^>]*>"
    r"(.*?)</a>\s*</figure>",
    re.DOTALL,
)
_LOCAL_ADDRESS = re.compile(r"\b(href|src)=\"(/(?!/)[^\"]*)\"")


class ExportRefused(Exception):
    """The output folder cannot be used: the message says why."""


def check_output_dir(output_dir: Path) -> None:
    """An empty (or new) folder, outside everything the site serves: the export holds drafts
    and email addresses."""
    folder = output_dir.resolve()
    for name, root in (("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT)):
        if root and folder.is_relative_to(Path(root).resolve()):
            raise ExportRefused(
                f"{output_dir} is inside {name} ({root}), a folder the site serves to anyone: "
                "the export holds drafts and commenters' email addresses. Choose a folder "
                "outside MEDIA_ROOT and STATIC_ROOT."
            )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportRefused(f"{output_dir} is not an empty folder: choose a new one.")


def in_chunks(queryset, size: int = ITERATOR_CHUNK):
    """Every row in pk order, ITERATOR_CHUNK at a time (keyset pages: bounded memory on every
    database, prefetches included, where .iterator() may still read a whole result set)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        yield from chunk
        if len(chunk) < size:
            return
        last = chunk[-1].pk
        # Model instances end up in reference cycles (caches of related objects), which only
        # a full collection frees: without one per page, memory would grow with the site.
        del chunk
        gc.collect()


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://", "//")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _wp_dates(moment: datetime | None) -> tuple[str, str]:
    """WordPress's two columns: the site's local time and GMT."""
    if moment is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    local = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    return local, moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _max_pk(model) -> int:
    return model.objects.aggregate(top=Max("pk"))["top"] or 0


@dataclass(frozen=True)
class Ids:
    """WordPress keeps posts, pages, attachments and menu entries in one table, with one id
    sequence (and terms in another): each kind of ours gets its own range."""

    page: int
    image: int
    cover: int
    menu_item: int
    tag: int
    menu: int

    @classmethod
    def of_this_site(cls) -> "Ids":
        articles, pages, images = _max_pk(Article), _max_pk(Page), _max_pk(Image)
        categories, tags = _max_pk(Category), _max_pk(Tag)
        return cls(
            page=articles,
            image=articles + pages,
            cover=articles + pages + images,
            menu_item=2 * articles + pages + images,
            tag=categories,
            menu=categories + tags,
        )


class Uploads:
    """The media folder: each stored file once, at YYYY/MM/name by its upload date."""

    def __init__(self, root: Path):
        self.root = root
        self.taken: set[str] = set()

    def add(self, field_file, uploaded: datetime) -> str:
        """Copy a stored file; its path below the folder back."""
        day = timezone.localtime(uploaded)
        name = PurePosixPath(field_file.name).name
        relative = f"{day:%Y}/{day:%m}/{name}"
        n = 2
        while relative in self.taken:
            stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
            relative = f"{day:%Y}/{day:%m}/{stem}-{n}{suffix}"
            n += 1
        self.taken.add(relative)
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with field_file.storage.open(field_file.name, "rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(1 << 16), b""):
                out.write(chunk)
        return relative


class Wxr:
    """The XML, element by element (xml.sax's XMLGenerator escapes every text)."""

    def __init__(self, handle):
        self.out = XMLGenerator(handle, encoding="utf-8", short_empty_elements=True)
        self.depth = 0

    def start(self, name: str, attrs: dict | None = None) -> None:
        self.out.ignorableWhitespace("\n" + "\t" * self.depth)
        self.out.startElement(name, attrs or {})
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        self.out.ignorableWhitespace("\n" + "\t" * self.depth)
        self.out.endElement(name)

    def el(self, name: str, text="", attrs: dict | None = None) -> None:
        self.out.ignorableWhitespace("\n" + "\t" * self.depth)
        self.out.startElement(name, attrs or {})
        self.out.characters(str(text))
        self.out.endElement(name)

    def meta(self, key: str, value) -> None:
        self.start("wp:postmeta")
        self.el("wp:meta_key", key)
        self.el("wp:meta_value", value)
        self.end("wp:postmeta")


class JsonDocument:
    """One JSON object written section by section, each a list written item by item."""

    def __init__(self, handle):
        self.out = handle
        self.first_section = True
        self.first_item = True

    def open(self, header: dict) -> None:
        body = json.dumps(header, ensure_ascii=False, indent=1)
        self.out.write(body[:-2])  # without the closing brace: the sections follow

    def section(self, name: str) -> None:
        if not self.first_section:
            self.out.write("\n ]")
        self.first_section = False
        self.out.write(f",\n {json.dumps(name)}: [")
        self.first_item = True

    def add(self, value: dict) -> None:
        self.out.write("\n  " if self.first_item else ",\n  ")
        self.out.write(json.dumps(value, ensure_ascii=False, default=str))
        self.first_item = False

    def close(self) -> None:
        if not self.first_section:
            self.out.write("\n ]")
        self.out.write("\n}\n")


class SiteExport:
    def __init__(self, *, output_dir: Path, report: ImportReport):
        self.output_dir = output_dir
        self.report = report
        self.ids = Ids.of_this_site()
        self.uploads = Uploads(output_dir / "uploads")
        # image pk -> (address, attachment id, alt text)
        self.image_files: dict[int, tuple[str, int, str]] = {}

    def run(self) -> None:
        check_output_dir(self.output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.uploads.root.mkdir(mode=0o700)
        wxr_path, json_path = self.output_dir / "wordpress.xml", self.output_dir / "site.json"
        with _private(wxr_path) as xml_file, _private(json_path, text=True) as json_file:
            self.xml, self.json = Wxr(xml_file), JsonDocument(json_file)
            self._channel()
            for section in (
                self._authors,
                self._categories,
                self._tags,
                self._menu_terms,
                self._images,
                self._articles,
                self._pages,
                self._menu_items,
            ):
                section()
            self.xml.end("channel")
            self.xml.end("rss")
            self.xml.out.endDocument()
            xml_file.write(b"\n")
            self.json.close()

    # The channel.

    def _channel(self) -> None:
        site = settings.SITE_URL.rstrip("/")
        name = settings.SITE_NAME or site
        self.report.source = site
        self.report.version = f"WXR {WXR_VERSION}"
        self.xml.out.startDocument()
        self.xml.start("rss", {"version": "2.0", **NAMESPACES})
        self.xml.start("channel")
        self.xml.el("title", name)
        self.xml.el("link", site)
        self.xml.el("description", "")
        self.xml.el("pubDate", _rfc822(timezone.now()))
        self.xml.el("language", settings.LANGUAGE_CODE)
        self.xml.el("wp:wxr_version", WXR_VERSION)
        self.xml.el("wp:base_site_url", site)
        self.xml.el("wp:base_blog_url", site)
        self.xml.el("generator", "Rivista export_site")
        self.json.open(
            {
                "format": "rivista-site-export",
                "version": 1,
                "site": {"title": name, "url": site},
                "exported_at": timezone.now().isoformat(),
            }
        )

    # Authors and terms.

    def _authors(self) -> None:
        self.json.section("authors")
        for author in in_chunks(Author.objects.select_related("user")):
            user = author.user
            email = user.email if user is not None else ""
            self.xml.start("wp:author")
            self.xml.el("wp:author_id", author.pk)
            self.xml.el("wp:author_login", author.slug)
            self.xml.el("wp:author_email", email)
            self.xml.el("wp:author_display_name", author.display_name)
            self.xml.el("wp:author_first_name", user.first_name if user else "")
            self.xml.el("wp:author_last_name", user.last_name if user else "")
            self.xml.end("wp:author")
            self.json.add(
                {
                    "id": author.pk,
                    "slug": author.slug,
                    "display_name": author.display_name,
                    "email": email,
                    "bio": author.bio,
                    "website": author.website,
                }
            )
            self.report.count("authors", "created")

    def _categories(self) -> None:
        """Parents before their children, as WordPress writes them."""
        self.json.section("categories")
        rows = list(Category.objects.values("pk", "slug", "name", "description", "parent_id"))
        slugs = {row["pk"]: row["slug"] for row in rows}
        written: set[int] = set()
        while len(written) < len(rows):
            ready = [
                r
                for r in rows
                if r["pk"] not in written
                and (r["parent_id"] in written or r["parent_id"] not in slugs)
            ] or [r for r in rows if r["pk"] not in written]
            for row in ready:
                written.add(row["pk"])
                parent = slugs.get(row["parent_id"], "")
                self.xml.start("wp:category")
                self.xml.el("wp:term_id", row["pk"])
                self.xml.el("wp:category_nicename", row["slug"])
                self.xml.el("wp:category_parent", parent)
                self.xml.el("wp:cat_name", row["name"])
                self.xml.el("wp:category_description", row["description"])
                self.xml.end("wp:category")
                self.json.add({**_renamed(row), "parent": parent})
                self.report.count("categories", "created")

    def _tags(self) -> None:
        self.json.section("tags")
        for tag in in_chunks(Tag.objects.all()):
            self.xml.start("wp:tag")
            self.xml.el("wp:term_id", self.ids.tag + tag.pk)
            self.xml.el("wp:tag_slug", tag.slug)
            self.xml.el("wp:tag_name", tag.name)
            self.xml.end("wp:tag")
            self.json.add({"id": tag.pk, "slug": tag.slug, "name": tag.name})
            self.report.count("tags", "created")

    def _menu_terms(self) -> None:
        self.json.section("menus")
        for menu in Menu.objects.order_by("pk"):
            self.xml.start("wp:term")
            self.xml.el("wp:term_id", self.ids.menu + menu.pk)
            self.xml.el("wp:term_taxonomy", "nav_menu")
            self.xml.el("wp:term_slug", menu.location)
            self.xml.el("wp:term_name", menu.get_location_display())
            self.xml.end("wp:term")
            self.json.add({"location": menu.location, "items": _menu_json(menu)})
            self.report.count("menus", "created")

    # Items.

    def _item_start(
        self,
        *,
        post_id: int,
        title: str,
        link: str,
        created,
        post_type: str,
        status: str,
        slug: str = "",
        creator: str = "",
    ) -> None:
        self.report.reading_one("items")
        local, gmt = _wp_dates(created)
        self.xml.start("item")
        self.xml.el("title", title)
        self.xml.el("link", link)
        self.xml.el("pubDate", _rfc822(created) if created else "")
        self.xml.el("dc:creator", creator)
        self.xml.el("guid", link, {"isPermaLink": "false"})
        self.xml.el("description", "")
        self._post_id, self._dates = post_id, (local, gmt)

    def _item_fields(
        self,
        *,
        post_type: str,
        status: str,
        slug: str,
        parent: int = 0,
        order: int = 0,
        modified=None,
        comments_open: bool = False,
    ) -> None:
        local, gmt = self._dates
        modified_local, modified_gmt = _wp_dates(modified) if modified else self._dates
        for name, value in (
            ("wp:post_id", self._post_id),
            ("wp:post_date", local),
            ("wp:post_date_gmt", gmt),
            ("wp:post_modified", modified_local),
            ("wp:post_modified_gmt", modified_gmt),
            ("wp:comment_status", "open" if comments_open else "closed"),
            ("wp:ping_status", "closed"),
            ("wp:post_name", slug),
            ("wp:status", status),
            ("wp:post_parent", parent),
            ("wp:menu_order", order),
            ("wp:post_type", post_type),
            ("wp:post_password", ""),
            ("wp:is_sticky", 0),
        ):
            self.xml.el(name, value)

    def _images(self) -> None:
        self.json.section("media")
        for image in in_chunks(Image.objects.all()):
            if not image.file or not image.file.storage.exists(image.file.name):
                self.report.skip("media", "file missing from the storage", f"#{image.pk}")
                continue
            relative = self.uploads.add(image.file, image.uploaded_at)
            address = absolute(image.file.url)
            post_id = self.ids.image + image.pk
            self.image_files[image.pk] = (address, post_id, image.alt_text)
            self._attachment(
                post_id,
                image.title or PurePosixPath(relative).stem,
                address,
                relative,
                image.uploaded_at,
                alt=image.alt_text,
                caption=image.caption,
            )
            self.json.add(
                {
                    "id": image.pk,
                    "file": relative,
                    "url": address,
                    "title": image.title,
                    "alt_text": image.alt_text,
                    "caption": image.caption,
                    "credit": image.credit,
                    "source": image.source,
                    "width": image.width,
                    "height": image.height,
                    "uploaded_at": image.uploaded_at,
                }
            )
            self.report.count("media", "created")

    def _attachment(
        self, post_id, title, address, relative, created, *, alt, caption, parent=0
    ) -> None:
        self._item_start(
            post_id=post_id,
            title=title,
            link=address,
            created=created,
            post_type="attachment",
            status="inherit",
        )
        self.xml.el("content:encoded", "")
        self.xml.el("excerpt:encoded", caption)
        self._item_fields(
            post_type="attachment",
            status="inherit",
            slug=PurePosixPath(relative).stem,
            parent=parent,
        )
        self.xml.el("wp:attachment_url", address)
        self.xml.meta("_wp_attached_file", relative)
        if alt:
            self.xml.meta("_wp_attachment_image_alt", alt)
        self.xml.end("item")

    def _articles(self) -> None:
        self.json.section("articles")
        articles = Article.objects.select_related("author", "category").prefetch_related("tags")
        for article in in_chunks(articles):
            cover_id = self._cover(article)
            self._article(article, cover_id)

    def _cover(self, article: Article) -> int:
        if not article.cover or not article.cover.storage.exists(article.cover.name):
            return 0
        relative = self.uploads.add(article.cover, article.created)
        address = absolute(article.cover.url)
        post_id = self.ids.cover + article.pk
        self._attachment(
            post_id,
            article.cover_alt or PurePosixPath(relative).stem,
            address,
            relative,
            article.created,
            alt=article.cover_alt,
            caption=article.cover_caption,
            parent=article.pk,
        )
        self._cover_file = relative
        self.report.count("media", "created")
        return post_id

    def _article(self, article: Article, cover_id: int) -> None:
        status = _article_status(article)
        link = absolute(article.get_absolute_url())
        body = self.body(article.body)
        comments = list(article.comments.order_by("tree_id", "lft"))
        self._item_start(
            post_id=article.pk,
            title=article.title,
            link=link,
            created=article.publish_at,
            post_type="post",
            status=status,
            creator=article.author.slug,
        )
        self.xml.el("content:encoded", body)
        self.xml.el("excerpt:encoded", article.lead)
        self._item_fields(
            post_type="post",
            status=status,
            slug=article.slug,
            modified=article.updated,
            comments_open=article.comments_enabled,
        )
        if article.category_id:
            self.xml.el(
                "category",
                article.category.name,
                {"domain": "category", "nicename": article.category.slug},
            )
        tags = list(article.tags.all())
        for tag in tags:
            self.xml.el("category", tag.name, {"domain": "post_tag", "nicename": tag.slug})
        if cover_id:
            self.xml.meta("_thumbnail_id", cover_id)
        if article.seo_description:
            self.xml.meta("_yoast_wpseo_metadesc", article.seo_description)
        if article.seo_title:
            self.xml.meta("_yoast_wpseo_title", article.seo_title)
        for comment in comments:
            self._comment(comment)
        self.xml.end("item")
        self.report.read["comments"] += len(comments)
        self.report.count("articles", "created")
        self.json.add(
            {
                "id": article.pk,
                "title": article.title,
                "slug": article.slug,
                "url": link,
                "status": article.status,
                "publish_at": article.publish_at,
                "created": article.created,
                "updated": article.updated,
                "author": article.author.slug,
                "category": article.category.slug if article.category_id else None,
                "tags": [tag.slug for tag in tags],
                "lead": article.lead,
                "body": article.body,
                "body_exported": body,
                "cover": self._cover_file if cover_id else None,
                "cover_alt": article.cover_alt,
                "cover_caption": article.cover_caption,
                "comments_enabled": article.comments_enabled,
                "seo_title": article.seo_title,
                "seo_description": article.seo_description,
                "comments": [_comment_json(comment) for comment in comments],
            }
        )

    def _comment(self, comment: Comment) -> None:
        local, gmt = _wp_dates(comment.created)
        self.xml.start("wp:comment")
        for name, value in (
            ("wp:comment_id", comment.pk),
            ("wp:comment_author", comment.author_name),
            ("wp:comment_author_email", comment.author_email),
            ("wp:comment_author_url", comment.author_url),
            ("wp:comment_author_IP", comment.ip_address or ""),
            ("wp:comment_date", local),
            ("wp:comment_date_gmt", gmt),
            # WordPress keeps a comment as HTML: ours is plain text, escaped once.
            ("wp:comment_content", escape(comment.body, quote=False)),
            ("wp:comment_approved", COMMENT_STATES.get(comment.status, "0")),
            ("wp:comment_type", "comment"),
            ("wp:comment_parent", comment.parent_id or 0),
            ("wp:comment_user_id", comment.user_id or 0),
        ):
            self.xml.el(name, value)
        self.xml.end("wp:comment")
        self.report.count("comments", "created")

    def _pages(self) -> None:
        self.json.section("pages")
        for page in in_chunks(Page.objects.all()):
            status = "publish" if page.status == Page.Status.PUBLISHED else "draft"
            link = absolute(page.get_absolute_url())
            body = self.body(page.body)
            parent = self.ids.page + page.parent_id if page.parent_id else 0
            self._item_start(
                post_id=self.ids.page + page.pk,
                title=page.title,
                link=link,
                created=page.created,
                post_type="page",
                status=status,
            )
            self.xml.el("content:encoded", body)
            self.xml.el("excerpt:encoded", "")
            self._item_fields(
                post_type="page",
                status=status,
                slug=page.slug,
                parent=parent,
                order=page.order,
                modified=page.updated,
            )
            if page.seo_description:
                self.xml.meta("_yoast_wpseo_metadesc", page.seo_description)
            self.xml.end("item")
            self.report.count("pages", "created")
            self.json.add(
                {
                    "id": page.pk,
                    "title": page.title,
                    "slug": page.slug,
                    "path": page.path,
                    "url": link,
                    "parent": page.parent_id,
                    "status": page.status,
                    "order": page.order,
                    "body": page.body,
                    "body_exported": body,
                    "template": page.template,
                    "is_privacy_policy": page.is_privacy_policy,
                    "seo_title": page.seo_title,
                    "seo_description": page.seo_description,
                    "created": page.created,
                    "updated": page.updated,
                }
            )

    def _menu_items(self) -> None:
        """Each menu's entries in WordPress's way: menu_order is the position in the whole
        menu (1, 2, 3…, a submenu's entries after their parent)."""
        for menu in Menu.objects.order_by("pk"):
            items = list(MenuItem.objects.filter(menu=menu).select_related("author"))
            children: dict[int | None, list[MenuItem]] = {}
            for item in sorted(items, key=lambda i: (i.order, i.pk)):
                children.setdefault(item.parent_id, []).append(item)
            position = 0
            stack = list(reversed(children.get(None, [])))
            while stack:
                item = stack.pop()
                position += 1
                self._menu_item(menu, item, position)
                stack.extend(reversed(children.get(item.pk, [])))

    def _menu_item(self, menu: Menu, item: MenuItem, position: int) -> None:
        kind, object_name, object_id, url = self._menu_target(item)
        self._item_start(
            post_id=self.ids.menu_item + item.pk,
            title=item.label,
            link="",
            created=timezone.now(),
            post_type="nav_menu_item",
            status="publish",
        )
        self.xml.el("content:encoded", "")
        self.xml.el("excerpt:encoded", "")
        self._item_fields(
            post_type="nav_menu_item",
            status="publish",
            slug=str(self.ids.menu_item + item.pk),
            order=position,
        )
        self.xml.el(
            "category",
            menu.get_location_display(),
            {"domain": "nav_menu", "nicename": menu.location},
        )
        parent = self.ids.menu_item + item.parent_id if item.parent_id else 0
        for key, value in (
            ("_menu_item_type", kind),
            ("_menu_item_menu_item_parent", parent),
            ("_menu_item_object_id", object_id),
            ("_menu_item_object", object_name),
            ("_menu_item_target", ""),
            ("_menu_item_classes", 'a:1:{i:0;s:0:"";}'),
            ("_menu_item_xfn", ""),
            ("_menu_item_url", url),
        ):
            self.xml.meta(key, value)
        self.xml.end("item")
        self.report.count("menu items", "created")

    def _menu_target(self, item: MenuItem) -> tuple[str, str, int, str]:
        """(_menu_item_type, _menu_item_object, _menu_item_object_id, _menu_item_url)."""
        if item.page_id:
            return "post_type", "page", self.ids.page + item.page_id, ""
        if item.category_id:
            return "taxonomy", "category", item.category_id, ""
        if item.tag_id:
            return "taxonomy", "post_tag", self.ids.tag + item.tag_id, ""
        if item.author_id:  # WordPress menus have no author entries: a custom link to the page
            return "custom", "custom", self.ids.menu_item + item.pk, absolute(item.href() or "")
        return "custom", "custom", self.ids.menu_item + item.pk, item.url

    # Bodies.

    def body(self, html: str) -> str:
        """Library images, galleries and embeds as WordPress writes them; media addresses
        absolute."""
        missing = referenced_ids(html) - set(self.image_files)
        if missing:
            self.report.warn("a body refers to a library image that is not exported")
        html = _IMG.sub(self._img, html)
        html = _GALLERY.sub(self._gallery, html)
        html = _EMBED.sub(_embed, html)
        return _LOCAL_ADDRESS.sub(_media_absolute, html)

    def _img(self, match: re.Match) -> str:
        found = self.image_files.get(int(match.group(1)))
        if found is None:
            return match.group(0)
        address, post_id, _ = found
        alt = _ALT.search(match.group(0))
        alt_text = alt.group(1) if alt else ""
        return f'<img src="{escape(address)}" alt="{alt_text}" class="wp-image-{post_id}">'

    def _gallery(self, match: re.Match) -> str:
        """A gallery block as WordPress's editor writes it (its caption kept)."""
        images = [
            self.image_files[int(pk)]
            for pk in match.group(1).split(",")
            if pk.isdigit() and int(pk) in self.image_files
        ]
        if not images:
            return ""
        caption = _FIGCAPTION.search(match.group(2))
        items = "".join(
            f'<li class="blocks-gallery-item"><figure><img src="{escape(address)}" '
            f'alt="{escape(alt)}" data-id="{post_id}" class="wp-image-{post_id}"/></figure></li>'
            for address, post_id, alt in images
        )
        options = json.dumps({"ids": [post_id for _, post_id, _ in images], "linkTo": "none"})
        return (
            f"<!-- wp:gallery {options} -->\n"
            f'<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">{items}</ul>'
            + (
                f'<figcaption class="blocks-gallery-caption">{caption.group(1)}</figcaption>'
                if caption
                else ""
            )
            + "</figure>\n<!-- /wp:gallery -->"
        )


def _media_absolute(match: re.Match) -> str:
    """An image's or a media file's address made absolute (WordPress's importer fetches them
    and points the content at its copies); links to our pages stay as they were."""
    attribute, address = match.group(1), match.group(2)
    if attribute == "src" or address.startswith(settings.MEDIA_URL):
        address = absolute(address)
    return f'{attribute}="{address}"'


def _embed(match: re.Match) -> str:
    provider, url, title = match.group(1), unescape(match.group(2)), match.group(3)
    options = json.dumps({"url": url, "type": "video", "providerNameSlug": provider})
    return (
        f"<!-- wp:embed {options} -->\n"
        f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n{escape(url)}\n'
        f"</div><figcaption>{title}</figcaption></figure>\n<!-- /wp:embed -->"
    )


def _article_status(article: Article) -> str:
    if article.status == Article.Status.PUBLISHED:
        return "future" if article.publish_at > timezone.now() else "publish"
    if article.status == Article.Status.REVIEW:
        return "pending"
    return "draft"


def _renamed(row: dict) -> dict:
    return {
        "id": row["pk"],
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
    }


def _comment_json(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "status": comment.status,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "ip_address": comment.ip_address,
        "created": comment.created,
        "body": comment.body,
    }


def _menu_json(menu: Menu) -> list[dict]:
    return [
        {
            "id": item.pk,
            "parent": item.parent_id,
            "label": item.label,
            "order": item.order,
            "page": item.page_id,
            "category": item.category_id,
            "tag": item.tag_id,
            "author": item.author_id,
            "url": item.url,
        }
        for item in MenuItem.objects.filter(menu=menu).order_by("order", "pk")
    ]


class _private:
    """A new file readable by its owner only (the export holds email addresses)."""

    def __init__(self, path: Path, *, text: bool = False):
        self.path, self.text = path, text

    def __enter__(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.handle = os.fdopen(fd, "w", encoding="utf-8") if self.text else os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, *exc):
        self.handle.close()
