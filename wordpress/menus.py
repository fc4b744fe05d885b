"""WordPress menus (nav_menu_item records) into the site's header and footer menus.

The one module of the import that knows where Menu and MenuItem live: if they move, only the
import line below changes.

A WordPress export does not say which theme location shows which menu (that is a theme setting,
not exported): a menu is placed by `--menu-location header=<menu slug>`, else by its name
(Primary, Main, Header, Top... fit the header; Footer, Bottom, Secondary... the footer), and the
only menu of an export goes to the header. A menu with no place is skipped and named. Entries keep
WordPress's order and nesting as far as the place allows (the header has one level of submenus,
the footer none): a deeper entry joins its top-level ancestor's submenu. Each entry points at the
imported page, category or tag, at the imported article's address, or at its custom address;
an entry whose target was not imported is skipped and its children move up.
"""

from dataclasses import dataclass

from django.conf import settings

from blog.models import Article
from core.web_address import is_web_address
from pages.models import Menu, MenuItem
from wordpress.models import WordPressObject
from wordpress.site import DELETED_HERE, Site, digest
from wordpress.terms import Vocabulary
from wordpress.text import plain
from wordpress.wxr import WxrItem

Kind = WordPressObject.Kind
MENUS, ITEMS = "menus", "menu items"
LOCATIONS = tuple(Menu.Location.values)
LOCATION_CHOICES = Menu.Location.choices  # (place, its label), for the admin's import form
HEADER, FOOTER = Menu.Location.HEADER, Menu.Location.FOOTER
_FITS = {
    HEADER: {"header", "primary", "primario", "main", "principale", "top", "navigation", "nav"},
    FOOTER: {"footer", "piede", "fondo", "bottom", "secondary", "secondario"},
}


@dataclass(slots=True)
class _Entry:
    wp_id: int
    title: str
    order: int
    parent: int
    type: str
    object: str
    object_id: int | None
    url: str
    fields: dict | None = None  # the target, once resolved
    label: str = ""

    @property
    def example(self) -> str:
        return f"#{self.wp_id} “{self.title[:40]}”"


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def fitting_place(slug: str, name: str) -> str | None:
    words = set(slug.lower().replace("_", "-").split("-")) | set(name.lower().split())
    for location, fits in _FITS.items():
        if words & fits:
            return location
    return None


class MenusImport:
    def __init__(
        self, *, site: Site, vocabulary: Vocabulary, locations: dict[str, str] | None = None
    ):
        self.site = site
        self.vocabulary = vocabulary
        self.report = site.report
        self.locations = locations or {}
        self.menus: dict[str, str] = {}  # WordPress menu slug -> name, in file order
        self.entries: dict[str, list[_Entry]] = {}

    def want(self, item: WxrItem) -> None:
        menu = next((t for t in item.terms if t.taxonomy == "nav_menu"), None)
        label = f"#{item.post_id} “{plain(item.title)[:40]}”"
        if menu is None or not menu.slug:
            self.report.skip(ITEMS, "in no menu", label)
            return
        if item.status not in ("publish", ""):
            self.report.skip(ITEMS, f"status “{item.status}” (only published entries)", label)
            return
        self.menus.setdefault(menu.slug, plain(menu.name) or menu.slug)
        meta = item.meta
        self.entries.setdefault(menu.slug, []).append(
            _Entry(
                wp_id=item.post_id,
                title=plain(item.title),
                order=item.menu_order,
                parent=_int(meta.get("_menu_item_menu_item_parent", "")) or 0,
                type=meta.get("_menu_item_type", ""),
                object=meta.get("_menu_item_object", ""),
                object_id=_int(meta.get("_menu_item_object_id", "")),
                url=meta.get("_menu_item_url", "").strip(),
            )
        )

    # Once pages, articles and terms are in.

    def import_all(self) -> None:
        places = self._places()
        for slug, name in self.menus.items():
            entries = self.entries[slug]
            location = places.get(slug)
            if location is None:
                self.report.skip(
                    MENUS,
                    "no place for it here (give one: --menu-location header=SLUG or footer=SLUG)",
                    f"{name} ({slug})",
                )
                for entry in entries:
                    self.report.skip(ITEMS, "in a menu with no place here", entry.example)
                continue
            self._import_menu(location, entries)

    def _places(self) -> dict[str, str]:
        places: dict[str, str] = {}
        for location, slug in self.locations.items():
            if slug in self.menus:
                places[slug] = location
            else:
                self.report.warn(f"--menu-location {location}={slug}: no such menu in the export")
        taken = set(places.values())
        for slug, name in self.menus.items():
            place = None if slug in places else fitting_place(slug, name)
            if place is not None and place not in taken:
                places[slug] = place
                taken.add(place)
                self.report.note(MENUS, f"placed in the {place} by its name", name)
        if not places and len(self.menus) == 1:
            [slug] = self.menus
            places[slug] = HEADER
            self.report.note(MENUS, "the export's only menu: placed in the header", slug)
        return places

    def _import_menu(self, location: str, entries: list[_Entry]) -> None:
        menu, created = Menu.objects.get_or_create(location=location)
        self.report.count(MENUS, "created" if created else "unchanged")
        entries.sort(key=lambda e: (e.order, e.wp_id))
        by_id = {entry.wp_id: entry for entry in entries}
        for entry in entries:
            reason = self._resolve(entry)
            if reason:
                self.report.skip(ITEMS, reason, entry.example)
        made: dict[int, int] = {}  # WordPress entry id -> our link's pk
        parents = {e.wp_id: self._parent(e, by_id, location) for e in entries if e.fields}
        # Top-level entries first, so that every submenu entry finds its parent made.
        for entry in sorted((e for e in entries if e.fields), key=lambda e: parents[e.wp_id] != 0):
            pk = self._link(menu, entry, made.get(parents[entry.wp_id]), parents[entry.wp_id])
            if pk is not None:
                made[entry.wp_id] = pk

    def _parent(self, entry: _Entry, by_id: dict[int, _Entry], location: str) -> int:
        """The WordPress id of the entry this one hangs from here (0: top level)."""
        chain, seen = [], {entry.wp_id}
        parent = by_id.get(entry.parent)
        while parent is not None and parent.wp_id not in seen:
            seen.add(parent.wp_id)
            if parent.fields:
                chain.append(parent.wp_id)
            parent = by_id.get(parent.parent)
        if not chain:
            if entry.parent:
                self.report.note(
                    ITEMS, "its parent entry is not imported: top level", entry.example
                )
            return 0
        if location != HEADER:
            self.report.note(
                ITEMS, f"the {location} has no submenus: listed in order", entry.example
            )
            return 0
        if len(chain) > 1 or chain[0] != entry.parent:
            self.report.note(
                ITEMS, "deeper than the header's one submenu level: in its top entry's submenu",
                entry.example,
            )  # fmt: skip
        return chain[-1]

    def _resolve(self, entry: _Entry) -> str:
        """Set entry.fields (what the link points at) and entry.label; or say why not."""
        entry.label = entry.title[:80]
        if not entry.type:
            return "no link in the export"
        if entry.type == "custom":
            if not is_web_address(entry.url) or len(entry.url) > 200:
                return "a custom link that is not a web address (such as “#”)"
            entry.fields = {"url": entry.url}
            entry.label = entry.label or entry.url[:80]
            return ""
        if entry.type == "taxonomy" and entry.object in ("category", "post_tag"):
            vocabulary = self.vocabulary
            if entry.object == "category":
                pk = vocabulary.categories.get(vocabulary.category_ids.get(entry.object_id, ""))
            else:
                pk = vocabulary.tags.get(vocabulary.tag_ids.get(entry.object_id, ""))
            field = "category_id" if entry.object == "category" else "tag_id"
            if pk is None:
                return f"its {entry.object.replace('post_', '')} is not imported"
            entry.fields = {field: pk}
            return ""
        if entry.type == "post_type" and entry.object in ("page", "post"):
            return self._resolve_post(entry)
        return f"links to “{entry.object or entry.type}” (nothing like it here)"

    def _resolve_post(self, entry: _Entry) -> str:
        kind = Kind.PAGE if entry.object == "page" else Kind.POST
        mapping = self.site.mapping(kind, entry.object_id) if entry.object_id else None
        target = mapping.target if mapping is not None else None
        if target is None:
            return f"its {entry.object} is not imported"
        if kind == Kind.PAGE:
            entry.fields = {"page_id": target.pk}
            return ""
        # A menu link has no article field: the article's address on this site.
        article: Article = target
        entry.fields = {"url": settings.SITE_URL.rstrip("/") + article.get_absolute_url()}
        entry.label = entry.label or plain(article.title)[:80]
        return ""

    def _link(self, menu: Menu, entry: _Entry, parent_pk, parent_wp: int) -> int | None:
        values = {
            "menu": menu, "parent_id": parent_pk, "label": entry.label, "order": entry.order,
            **dict.fromkeys(("page_id", "category_id", "tag_id", "author_id"), None),
            "url": "", **entry.fields,
        }  # fmt: skip
        fingerprint = digest(menu.location, entry.label, entry.order, parent_wp, entry.fields)
        mapping = self.site.mapping(Kind.MENU_ITEM, entry.wp_id)
        if mapping is None:
            link = MenuItem.objects.create(**values)
            self.site.remember(Kind.MENU_ITEM, entry.wp_id, fingerprint, local_id=link.pk)
            self.report.count(ITEMS, "created")
            return link.pk
        link = MenuItem.objects.filter(pk=mapping.local_id).first() if mapping.local_id else None
        if link is None:
            self.report.skip(ITEMS, DELETED_HERE, entry.example)
            return None
        if mapping.digest != fingerprint:
            for name, value in values.items():
                setattr(link, name, value)
            link.save()
            mapping.digest = fingerprint
            mapping.save(update_fields=["digest", "updated"])
            self.report.count(ITEMS, "updated")
        else:
            self.report.count(ITEMS, "unchanged")
        return link.pk
