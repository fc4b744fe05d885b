"""One import run: WXR records in, authors, categories, tags, articles, comments and redirects out.

Called by wordpress.services.wordpress_import inside its one transaction. A post changed in
WordPress since the last run (its exported fields have another digest) is updated; one exported
unchanged is left as it is, so edits made here survive a second run. An article's slug never
changes once imported: our own links must not break.
"""

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from django.utils import timezone
from django.utils.text import slugify

from blog.models import Article
from comments.counts import counts_rebuild
from comments.tree_cache import bump_article_versions
from wordpress import media, paths
from wordpress.body_media import BodyMedia
from wordpress.menus import MenusImport
from wordpress.models import WordPressObject
from wordpress.moving import ImportReport
from wordpress.page_import import PagesImport
from wordpress.site import DELETED_HERE, Site, digest, our_slug, unique_slug
from wordpress.terms import Vocabulary
from wordpress.text import plain, post_html
from wordpress.threads import comments_import, wxr_comments
from wordpress.wxr import Channel, Record, WxrAuthor, WxrItem, WxrTerm

Kind = WordPressObject.Kind

SKIPPED_POST_TYPES = {
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


class Importer:
    def __init__(
        self,
        *,
        report: ImportReport,
        media_dir: Path | None,
        dry_run: bool,
        keep_remote_images: bool = False,
        menu_locations: dict[str, str] | None = None,
    ):
        self.report = report
        self.site = Site(report=report)
        self.vocabulary = Vocabulary(self.site)
        self.covers = media.Covers(report=report, media_dir=media_dir, dry_run=dry_run)
        self.body_media = BodyMedia(
            report=report,
            media_dir=media_dir,
            dry_run=dry_run,
            keep_remote=keep_remote_images,
            attachments=self.covers.attachments,
            addresses=self.covers.addresses,
            source=lambda: self.site.source,
        )
        self.pages = PagesImport(site=self.site, report=report, body_media=self.body_media)
        self.menus = MenusImport(
            site=self.site, vocabulary=self.vocabulary, locations=menu_locations
        )

    def run(self, records: Iterable[Record]) -> None:
        vocabulary = self.vocabulary
        for record in records:
            if isinstance(record, Channel):
                self.site.read_channel(record)
                for address in (record.base_blog_url, record.base_site_url, record.link):
                    self.covers.addresses.add_site(address)
            elif isinstance(record, WxrAuthor):
                vocabulary.author(record)
            elif isinstance(record, WxrTerm):
                vocabulary.term(record)
            else:
                vocabulary.finish_terms()
                self.item(record)
        vocabulary.finish_terms()
        self.pages.import_all()
        self.menus.import_all()
        self.covers.import_all()
        self.body_media.import_all()

    # Posts.

    def item(self, item: WxrItem) -> None:
        self.report.reading_one("items", also={"comments": len(item.comments)})
        label = f"#{item.post_id} “{plain(item.title)[:40]}”"
        if item.post_type == "page" and item.post_id is not None:
            self.pages.want(item)
            return
        if item.post_type == "nav_menu_item" and item.post_id is not None:
            self.menus.want(item)
            return
        if item.post_id is None:
            reason = "no wp:post_id"
        elif item.post_type == "attachment":
            self.covers.remember_attachment(item)
            reason = "attachment (imported where a post uses it)"
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
            incoming=wxr_comments(item.comments, self.report, label),
            ids=self.site.ids,
            report=self.report,
            post_label=label,
        ):
            self.bump_comments(article.pk)

    def article(self, item: WxrItem, label: str) -> Article | None:
        mapping = self.site.mapping(Kind.POST, item.post_id)
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
            self.site.remember(Kind.POST, item.post_id, fingerprint, article=article)
            self.report.count("articles", "created")
            self.body_media.want(article.pk, item.post_id, item.content, label)
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
                self.body_media.want(article.pk, item.post_id, item.content, label)
            else:
                self.report.count("articles", "unchanged")
        old_urls = (item.link, item.guid, f"{self.site.base_path}?p={item.post_id}")
        current_url = article.get_absolute_url()
        for key in dict.fromkeys(paths.key_for_url(url) for url in old_urls):
            self.site.redirect(key, article_id=article.pk, current_url=current_url)
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

        vocabulary = self.vocabulary
        categories = [t for t in item.terms if t.taxonomy == "category"]
        primary_id = _int(item.meta.get("_yoast_wpseo_primary_category"))
        primary = vocabulary.category_ids.get(primary_id)
        chosen = next((t for t in categories if t.slug == primary), None) or (
            categories[0] if categories else None
        )
        if len(categories) > 1:
            self.report.note("articles", "in several categories: kept one", label)
        category_pk = None
        if chosen is not None:
            category_slug = chosen.slug or slugify(chosen.name)
            category_pk = vocabulary.term_pk("category", category_slug, chosen.name)
        tag_pks = []
        for term in item.terms:
            if term.taxonomy == "post_tag":
                pk = vocabulary.term_pk("post_tag", term.slug or slugify(term.name), term.name)
                if pk is not None and pk not in tag_pks:
                    tag_pks.append(pk)

        description = item.meta.get("_yoast_wpseo_metadesc", "")
        title = plain(item.title)[:200] or unquote(item.slug) or f"Post {item.post_id}"
        fields = {
            "title": title,
            "author_id": vocabulary.author_for_login(item.creator),
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

    def bump_comments(self, article_pk: int) -> None:
        """bulk_create sends no signals: retire the article's cached comment tree ourselves,
        now and once more after commit (as comments.signals does), and recount what readers
        see of its discussion (comments.counts)."""
        bump_article_versions(article_pk)
        counts_rebuild(article_ids=[article_pk])


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
