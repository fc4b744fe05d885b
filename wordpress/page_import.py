"""WordPress pages: imported after everything else, parents before children, with redirects.

A page keeps its WordPress slug where the address is free here; where another route of the site
answers it (a page called "tag" or "feed", say) or another page holds it, it gets a numbered
slug and the summary says so. Like posts, a page changed in WordPress since the last run is
updated (its slug stays), one exported unchanged is left as edited here.
"""

from urllib.parse import unquote

from pages.models import Page, path_conflict
from wordpress import paths
from wordpress.models import WordPressObject
from wordpress.moving import ImportReport
from wordpress.site import DELETED_HERE, Site, digest, our_slug
from wordpress.text import plain, post_html
from wordpress.wxr import WxrItem

Kind = WordPressObject.Kind
SKIPPED_STATUSES = {"auto-draft": "automatic draft", "trash": "in the WordPress bin"}


def _label(item: WxrItem) -> str:
    return f"#{item.post_id} “{plain(item.title)[:40]}”"


def _in_parent_order(items: list[WxrItem]) -> list[WxrItem]:
    """Parents before their children; a page whose parent is missing (or a cycle) comes last,
    as a top-level page."""
    by_id = {item.post_id: item for item in items}
    ordered, placed = [], set()

    def depth(item, seen=()):
        parent = by_id.get(item.parent_id)
        if parent is None or parent.post_id in seen:
            return 0
        return 1 + depth(parent, (*seen, item.post_id))

    for item in sorted(items, key=lambda i: (depth(i), i.post_id)):
        if item.post_id not in placed:
            ordered.append(item)
            placed.add(item.post_id)
    return ordered


def _free_slug(slug: str, parent: Page | None, exclude_pk=None) -> str:
    candidate, n = slug, 2
    while True:
        path = f"{parent.path}/{candidate}" if parent else candidate
        taken = Page.objects.filter(path=path).exclude(pk=exclude_pk).exists()
        if not taken and not path_conflict(path):
            return candidate
        candidate = f"{slug[:110]}-{n}"
        n += 1


class PagesImport:
    def __init__(self, *, site: Site, report: ImportReport):
        self.site = site
        self.report = report
        self.items: list[WxrItem] = []

    def want(self, item: WxrItem) -> None:
        label = _label(item)
        for _ in item.comments:
            self.report.skip("comments", "on a page (pages take no comments here)", label)
        if item.status in SKIPPED_STATUSES:
            self.report.skip("items", SKIPPED_STATUSES[item.status], label, counted=False)
            return
        self.items.append(item)

    def import_all(self) -> None:
        imported: dict[int, Page] = {}
        for item in _in_parent_order(self.items):
            page = self.page(item, imported.get(item.parent_id))
            if page is not None:
                imported[item.post_id] = page

    def page(self, item: WxrItem, parent: Page | None) -> Page | None:
        label = _label(item)
        mapping = self.site.mapping(Kind.PAGE, item.post_id)
        if mapping is not None and mapping.page_id is None:
            self.report.skip("pages", DELETED_HERE, label)
            return None
        if item.parent_id and parent is None:
            self.report.note("pages", "parent page not imported: a top-level page", label)
        published = item.status == "publish" and not item.password
        if item.password:
            self.report.note("pages", "password-protected: imported as a draft", label)
        description = item.meta.get("_yoast_wpseo_metadesc", "")
        fields = {
            "title": plain(item.title)[:200] or unquote(item.slug) or f"Page {item.post_id}",
            "body": post_html(item.content),
            "status": Page.Status.PUBLISHED if published else Page.Status.DRAFT,
            "order": item.menu_order,
            "seo_description": "" if "%%" in description else plain(description)[:160],
        }
        fingerprint = digest(
            item.title, item.slug, item.content, item.status, item.password != "",
            item.parent_id, item.menu_order, description,
        )  # fmt: skip
        if mapping is None:
            wanted = our_slug(item.slug, fields["title"])[:120] or f"pagina-{item.post_id}"
            slug = _free_slug(wanted, parent)
            if slug != wanted:
                self.report.note("pages", "address already taken here: given another", label)
            page = Page(slug=slug, parent=parent, **fields)
            page.save()
            self.site.remember(Kind.PAGE, item.post_id, fingerprint, page=page)
            self.report.count("pages", "created")
        else:
            page = mapping.page
            if mapping.digest != fingerprint:
                for name, value in fields.items():
                    setattr(page, name, value)
                if parent is not None and page.parent_id != parent.pk:
                    page.parent = parent
                    page.slug = _free_slug(page.slug, parent, exclude_pk=page.pk)
                page.save()
                mapping.digest = fingerprint
                mapping.save(update_fields=["digest", "updated"])
                self.report.count("pages", "updated")
            else:
                self.report.count("pages", "unchanged")
        old_urls = (item.link, item.guid, f"{self.site.base_path}?page_id={item.post_id}")
        for key in dict.fromkeys(paths.key_for_url(url) for url in old_urls):
            self.site.redirect(key, page_id=page.pk)
        return page
