"""One import run: WXR records in, authors, categories, tags, articles, comments and redirects out.

Called by wordpress.services.wordpress_import inside its one transaction. Everything imported is
remembered in WordPressObject (by the site's address and the WordPress id), so a second run of a
later export updates what changed in WordPress, creates what is new and leaves the rest alone.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Article, Author, Category, Tag
from blog.sanitizer import strip_all_tags
from comments.cache import bump_article_version
from wordpress import media, paths
from wordpress.models import OldPermalink, WordPressObject
from wordpress.report import ImportReport
from wordpress.text import post_html
from wordpress.threads import comments_import
from wordpress.wxr import Channel, Record, WxrAuthor, WxrItem, WxrTerm

Kind = WordPressObject.Kind
PROGRESS_EVERY = 100
DELETED_HERE = "deleted here after an earlier import"

SKIPPED_POST_TYPES = {
    "page": "page (pages are not imported: see the README)",
    "nav_menu_item": "menu item",
    "revision": "revision",
    "wp_block": "reusable block",
    "wp_navigation": "navigation menu",
    "wp_template": "theme template",
    "wp_template_part": "theme template part",
    "wp_global_styles": "theme styles",
    "customize_changeset": "customizer changeset",
    "custom_css": "custom CSS",
    "oembed_cache": "embed cache",
    "user_request": "personal-data request",
}
DRAFT_STATUSES = {"draft", "pending", "private", "inherit"}


def digest(*values) -> str:
    """A fingerprint of exported fields: a changed item in WordPress has a different one."""
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()


def unique_slug(model, base: str, max_length: int, *, exclude_pk=None) -> str:
    base = base[:max_length].strip("-") or model._meta.model_name
    candidate, n = base, 2
    while model.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


def our_slug(wordpress_slug: str, *fallbacks: str) -> str:
    """WordPress keeps non-ASCII slugs percent-encoded; ours are ASCII (the URL patterns')."""
    for value in (unquote(wordpress_slug), *fallbacks):
        slug = slugify(value)
        if slug:
            return slug
    return ""


def plain(html: str) -> str:
    return strip_all_tags(html)


@dataclass
class _Term:
    model: type
    kind: str
    report_kind: str
    cache: dict
    slug_length: int
    name_length: int


class Importer:
    def __init__(
        self,
        *,
        report: ImportReport,
        media_dir: Path | None,
        dry_run: bool,
        progress: Callable[[ImportReport], None] | None = None,
    ):
        self.report = report
        self.progress = progress
        self.covers = media.Covers(report=report, media_dir=media_dir, dry_run=dry_run)
        self.source = ""
        self.base_path = "/"
        self.authors: dict[str, int] = {}
        self.categories: dict[str, int | None] = {}
        self.tags: dict[str, int | None] = {}
        self.category_parents: dict[str, str] = {}
        self.category_ids: dict[int, str] = {}
        self.changed_categories: set[int] = set()
        self.terms_done = False
        self.bumped: set[int] = set()
        self.terms = {
            "category": _Term(Category, Kind.CATEGORY, "categories", self.categories, 120, 100),
            "post_tag": _Term(Tag, Kind.TAG, "tags", self.tags, 120, 100),
        }

    # The run.

    def run(self, records: Iterable[Record]) -> None:
        for record in records:
            if isinstance(record, Channel):
                self.channel(record)
            elif isinstance(record, WxrAuthor):
                self.author(record)
            elif isinstance(record, WxrTerm):
                self.term(record)
            else:
                self.finish_terms()
                self.item(record)
        self.finish_terms()
        self.covers.import_all()

    def channel(self, channel: Channel) -> None:
        site = channel.base_blog_url or channel.base_site_url or channel.link
        parts = urlsplit(site)
        host = parts.netloc.lower().removeprefix("www.")
        self.source = (host + parts.path.rstrip("/"))[:200]
        self.base_path = paths.normalized(unquote(parts.path))
        self.report.source = site
        self.report.wxr_version = channel.wxr_version
        if channel.wxr_version and channel.wxr_version not in ("1.0", "1.1", "1.2"):
            self.report.warn(f"WXR version {channel.wxr_version} is newer than 1.2: read as 1.2")

    def _mapping(self, kind: str, wp_id) -> WordPressObject | None:
        mappings = WordPressObject.objects.filter(source=self.source, kind=kind)
        return mappings.filter(wp_id=str(wp_id)).first()

    def _remember(self, kind: str, wp_id, fingerprint: str, **target) -> None:
        WordPressObject.objects.create(
            source=self.source, kind=kind, wp_id=str(wp_id), digest=fingerprint, **target
        )

    # Authors.

    def author(self, record: WxrAuthor) -> int | None:
        login = record.login.strip()
        if not login:
            self.report.skip("authors", "no login in the export")
            return None
        full_name = f"{record.first_name} {record.last_name}".strip()
        display_name = (plain(record.display_name) or full_name or login)[:120]
        pk = self._author(login, display_name)
        if record.wp_id:
            self.redirect(f"{self.base_path}?author={record.wp_id}", author_id=pk)
        return pk

    def _author(self, login: str, display_name: str) -> int:
        fingerprint = digest(display_name)
        mapping = self._mapping(Kind.AUTHOR, login)
        author = mapping.author if mapping is not None else None
        if author is None:
            # An author deleted here is made again: every article needs one.
            slug = our_slug(login, display_name) or "autore"
            author = Author.objects.filter(slug=slug).first()
            if author is not None:
                self.report.note("authors", "already here with the same slug: used as it is", slug)
                self.report.count("authors", "unchanged")
            else:
                author = Author.objects.create(
                    display_name=display_name, slug=unique_slug(Author, slug, 140)
                )
                self.report.count("authors", "created")
            if mapping is None:
                self._remember(Kind.AUTHOR, login, fingerprint, author=author)
            else:
                mapping.author, mapping.digest = author, fingerprint
                mapping.save()
        elif mapping.digest != fingerprint:
            author.display_name = display_name
            author.save()
            mapping.digest = fingerprint
            mapping.save(update_fields=["digest", "updated"])
            self.report.count("authors", "updated")
        else:
            self.report.count("authors", "unchanged")
        self.authors[login] = author.pk
        self.redirect(f"{self.base_path}author/{slugify(login)}/", author_id=author.pk)
        return author.pk

    def author_for_login(self, login: str) -> int:
        login = login.strip() or "wordpress"
        if login not in self.authors:
            self._author(login, login)  # WXR 1.0 and filtered exports list no authors
        return self.authors[login]

    # Categories and tags.

    def term(self, record: WxrTerm) -> None:
        term = self.terms[record.taxonomy]
        wp_slug = record.slug.strip() or slugify(record.name)
        if not wp_slug:
            self.report.skip(term.report_kind, "no slug or name in the export")
            return
        if record.taxonomy == "category":
            self.category_parents[wp_slug] = record.parent_slug.strip()
            if record.term_id:
                self.category_ids[record.term_id] = wp_slug
        pk = self.term_pk(record.taxonomy, wp_slug, record.name, record.description)
        if pk is not None and record.taxonomy == "category" and record.term_id:
            self.redirect(f"{self.base_path}?cat={record.term_id}", category_id=pk)
        elif pk is not None and record.taxonomy == "post_tag":
            self.redirect(f"{self.base_path}?tag={wp_slug}", tag_id=pk)

    def term_pk(self, taxonomy: str, wp_slug: str, name: str, description: str = "") -> int | None:
        term = self.terms[taxonomy]
        if wp_slug in term.cache:
            return term.cache[wp_slug]
        name = (plain(name) or unquote(wp_slug))[: term.name_length]
        description = plain(description)
        fingerprint = digest(name, description)
        mapping = self._mapping(term.kind, wp_slug)
        if mapping is not None and mapping.target is None:
            self.report.skip(term.report_kind, DELETED_HERE, wp_slug)
            term.cache[wp_slug] = None
            return None
        if mapping is None:
            slug = our_slug(wp_slug, name) or term.kind
            obj = term.model.objects.filter(slug=slug).first()
            if obj is not None:
                self.report.note(term.report_kind, "already here with the same slug: used", slug)
                self.report.count(term.report_kind, "unchanged")
            else:
                extra = {"description": description} if term.model is Category else {}
                obj = term.model.objects.create(
                    name=name, slug=unique_slug(term.model, slug, term.slug_length), **extra
                )
                self.report.count(term.report_kind, "created")
                if term.model is Category:
                    self.changed_categories.add(obj.pk)
            self._remember(term.kind, wp_slug, fingerprint, **{term.kind: obj})
        else:
            obj = mapping.target
            if mapping.digest != fingerprint:
                obj.name = name
                if term.model is Category:
                    obj.description = description
                    self.changed_categories.add(obj.pk)
                obj.save()
                mapping.digest = fingerprint
                mapping.save(update_fields=["digest", "updated"])
                self.report.count(term.report_kind, "updated")
            else:
                self.report.count(term.report_kind, "unchanged")
        term.cache[wp_slug] = obj.pk
        if taxonomy == "post_tag":
            self.redirect(f"{self.base_path}tag/{unquote(wp_slug)}/", tag_id=obj.pk)
        elif self.terms_done:  # met on a post only: its parents are unknown
            self.redirect(f"{self.base_path}category/{unquote(wp_slug)}/", category_id=obj.pk)
        return obj.pk

    def finish_terms(self) -> None:
        """Once every category is known: parents (for those created or changed now) and the
        old category addresses, which spell out the parents (/category/parent/child/)."""
        if self.terms_done:
            return
        self.terms_done = True
        for wp_slug in self.category_parents:
            pk = self.categories.get(wp_slug)
            if pk is None:
                continue
            chain = self._category_chain(wp_slug)
            if pk in self.changed_categories:
                parent_pk = self.categories.get(chain[-2]) if len(chain) > 1 else None
                Category.objects.filter(pk=pk).update(parent_id=parent_pk)
            self.redirect(f"{self.base_path}category/{'/'.join(chain)}/", category_id=pk)
            if len(chain) > 1:
                self.redirect(f"{self.base_path}category/{unquote(wp_slug)}/", category_id=pk)

    def _category_chain(self, wp_slug: str) -> list[str]:
        """The slugs from the top category down to this one; a cycle of parents is cut."""
        chain = [wp_slug]
        parent = self.category_parents.get(wp_slug, "")
        while parent and parent in self.category_parents and parent not in chain:
            chain.append(parent)
            parent = self.category_parents[parent]
        if parent and parent in chain:
            self.report.warn("categories whose parents form a cycle: cut", wp_slug)
        return [unquote(slug) for slug in reversed(chain)]

    # Posts.

    def item(self, item: WxrItem) -> None:
        self.report.items_read += 1
        self.report.comments_read += len(item.comments)
        if self.progress and self.report.items_read % PROGRESS_EVERY == 0:
            self.progress(self.report)
        label = f"#{item.post_id} “{plain(item.title)[:40]}”"
        if item.post_id is None:
            reason = "no wp:post_id"
        elif item.post_type == "attachment":
            self.covers.remember_attachment(item)
            reason = "attachment (used only as a featured image)"
        elif item.post_type != "post":
            reason = SKIPPED_POST_TYPES.get(item.post_type, f"post type “{item.post_type}”")
        elif item.status == "auto-draft":
            reason = "automatic draft"
        elif item.status == "trash":
            reason = "in the WordPress bin"
        else:
            reason = ""
        article = None
        if reason:
            self.report.skip("items", reason, label, counted=False)
        else:
            article = self.article(item, label)
        if article is None:
            for _ in item.comments:
                self.report.skip("comments", "on an item that is not imported", label)
            return
        if comments_import(
            article=article,
            records=item.comments,
            source=self.source,
            report=self.report,
            post_label=label,
        ):
            self.bump_comments(article.pk)

    def article(self, item: WxrItem, label: str) -> Article | None:
        mapping = self._mapping(Kind.POST, item.post_id)
        if mapping is not None and mapping.article_id is None:
            self.report.skip("articles", DELETED_HERE, label)
            return None
        fields, tag_pks, fingerprint = self._article_fields(item, label)
        if mapping is None:
            slug = our_slug(item.slug, fields["title"]) or f"post-{item.post_id}"
            article = Article(slug=unique_slug(Article, slug, 220), **fields)
            if article.slug != slug:
                self.report.note("articles", "slug already taken here: given another", label)
            article.save()
            article.tags.set(tag_pks)
            created = item.date or article.publish_at
            Article.objects.filter(pk=article.pk).update(
                created=created, updated=max(item.modified or created, created)
            )
            self._remember(Kind.POST, item.post_id, fingerprint, article=article)
            self.report.count("articles", "created")
        else:
            article = mapping.article
            if mapping.digest != fingerprint:
                for name, value in fields.items():  # the slug stays: our links must not break
                    setattr(article, name, value)
                article.save()
                article.tags.set(tag_pks)
                mapping.digest = fingerprint
                mapping.save(update_fields=["digest", "updated"])
                self.report.count("articles", "updated")
            else:
                self.report.count("articles", "unchanged")
        old_urls = (item.link, item.guid, f"{self.base_path}?p={item.post_id}")
        for key in dict.fromkeys(paths.key_for_url(url) for url in old_urls):
            self.redirect(key, article_id=article.pk)
        thumbnail = item.meta.get("_thumbnail_id", "")
        if thumbnail.isdigit() and not article.cover:
            self.covers.want(article.pk, int(thumbnail), label)
        return article

    def _article_fields(self, item: WxrItem, label: str) -> tuple[dict, list[int], str]:
        status = item.status
        if item.password:
            self.report.note("articles", "password-protected: imported as a draft", label)
            published = False
        elif status in ("publish", "future"):
            published = True
        else:
            published = False
            if status == "private":
                self.report.note("articles", "private: imported as a draft", label)
            elif status not in DRAFT_STATUSES:
                self.report.note("articles", f"unknown status “{status}”: a draft", label)
        if item.date is None:
            self.report.note("articles", "no date in the export: dated now", label)

        categories = [t for t in item.terms if t.taxonomy == "category"]
        primary = self.category_ids.get(_int(item.meta.get("_yoast_wpseo_primary_category")))
        chosen = next((t for t in categories if t.slug == primary), None) or (
            categories[0] if categories else None
        )
        if len(categories) > 1:
            self.report.note("articles", "in several categories: kept one", label)
        category_pk = None
        if chosen is not None:
            category_pk = self.term_pk("category", chosen.slug or slugify(chosen.name), chosen.name)
        tag_pks = []
        for term in item.terms:
            if term.taxonomy == "post_tag":
                pk = self.term_pk("post_tag", term.slug or slugify(term.name), term.name)
                if pk is not None and pk not in tag_pks:
                    tag_pks.append(pk)

        description = item.meta.get("_yoast_wpseo_metadesc", "")
        title = plain(item.title)[:200] or unquote(item.slug) or f"Post {item.post_id}"
        fields = {
            "title": title,
            "author_id": self.author_for_login(item.creator),
            "category_id": category_pk,
            "lead": plain(item.excerpt),
            "body": post_html(item.content),
            "status": Article.Status.PUBLISHED if published else Article.Status.DRAFT,
            "publish_at": item.date or timezone.now(),
            "comments_enabled": item.comment_status != "closed",
            "seo_description": "" if "%%" in description else plain(description)[:160],
        }
        fingerprint = digest(
            item.title, item.slug, item.creator, item.content, item.excerpt, status,
            item.password != "", item.date, item.comment_status, description,
            [(t.taxonomy, t.slug, t.name) for t in item.terms], primary,
        )  # fmt: skip
        return fields, tag_pks, fingerprint

    # Redirects and caches.

    def redirect(self, path: str, **target) -> None:
        if not path or len(path) > paths.MAX_LENGTH:
            return
        fields = {f"{name}_id": None for name in ("article", "category", "tag", "author")}
        fields.update(target)
        if next(iter(target.values())) is None:
            return
        existing = OldPermalink.objects.filter(path=path).first()
        if existing is None:
            if self._is_current_url(path, target):
                return
            OldPermalink.objects.create(path=path, **fields)
            self.report.count("redirects", "created")
        elif any(getattr(existing, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            self.report.count("redirects", "updated")
        else:
            self.report.count("redirects", "unchanged")

    @staticmethod
    def _is_current_url(path: str, target: dict) -> bool:
        """An old address that is the object's address here needs no redirect."""
        model = {"article_id": Article, "category_id": Category, "tag_id": Tag}.get(
            next(iter(target))
        )
        if model is None:
            return False
        obj = model.objects.filter(pk=next(iter(target.values()))).first()
        return obj is not None and obj.get_absolute_url() == path

    def bump_comments(self, article_pk: int) -> None:
        """bulk_create sends no signals: retire the article's cached comment tree ourselves,
        now and once more after commit (as comments.signals does)."""
        bump_article_version(article_pk)
        if not self.bumped:
            bumped = self.bumped
            transaction.on_commit(lambda: [bump_article_version(pk) for pk in bumped])
        self.bumped.add(article_pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
