"""What the menus and the privacy link show: built once per change, read in one query or none.

build() reads the menus and the privacy page; rebuild() stores the result in the one
SiteNavigation row and in the cache. Saving or deleting a page, menu, menu link, category, tag or
author rebuilds it (connected in pages.apps), so every process sees the same menus at its next
request. current() serves it from the cache, from the row the article page already read with
its article (blog.conditional.with_site_state, through blog.site_row), or from the row.
"""

from django.core.cache import cache

from blog.content_version import content_version
from pages.models import Menu, MenuItem, Page, SiteNavigation

CACHE_SECONDS = 24 * 3600
_MISSING = object()


def _key() -> str:
    return f"blog:nav:{content_version()}"


def _entry(item: MenuItem, children=()) -> dict | None:
    href = item.href
    if href is None:
        return None
    return {
        "text": item.text,
        "href": href,
        "external": item.is_external,
        "children": [c for c in children if c is not None],
    }


def _menu(items: list[MenuItem], location: str) -> list[dict]:
    children = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    nested = location == Menu.Location.HEADER
    links = []
    for item in items:
        if item.parent_id is not None:
            continue
        below = [_entry(c) for c in children.get(item.pk, ())]
        entry = _entry(item, below if nested else ())
        if entry is not None:
            links.append(entry)
        if not nested:  # the footer is flat: a stray child simply follows its parent
            links.extend(e for e in below if e is not None)
    return links


def build() -> dict:
    items = list(
        MenuItem.objects.select_related("menu", "page", "category", "tag", "author").order_by(
            "order", "pk"
        )
    )
    data = {}
    for location in Menu.Location.values:
        data[location] = _menu([i for i in items if i.menu.location == location], location)
    page = Page.objects.published().filter(is_privacy_policy=True).first()
    data["privacy"] = {"url": page.get_absolute_url(), "title": page.title} if page else None
    return data


def _linked_from_a_menu(sender, instance) -> bool:
    """A category, tag or author matters to the menus only when a link points at it (an
    import saving thousands of tags then costs one cheap query each, not a rebuild)."""
    field = {"Category": "category", "Tag": "tag", "Author": "author"}.get(sender.__name__)
    if field is None or instance is None or instance.pk is None:
        return True
    return MenuItem.objects.filter(**{f"{field}_id": instance.pk}).exists()


def rebuild(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver too: rebuild the row (inside the writer's transaction) and the cache."""
    if kwargs.get("raw") or (sender is not None and not _linked_from_a_menu(sender, instance)):
        return
    data = build()
    SiteNavigation.objects.update_or_create(pk=1, defaults={"data": data})
    cache.delete(_key())


def current(request=None) -> dict:
    """The menus and the privacy link, read once a request (the page asks several times)."""
    memo = getattr(request, "navigation_data", None)
    if memo is not None:
        return memo
    data = _read(request)
    if request is not None:
        request.navigation_data = data
    return data


def _read(request) -> dict:
    key = _key()
    data = cache.get(key)
    if data is not None:
        return data
    data = getattr(request, "site_navigation", _MISSING) if request is not None else _MISSING
    if data is _MISSING or data is None:
        data = SiteNavigation.objects.filter(pk=1).values_list("data", flat=True).first()
    if data is None:
        data = build()
        SiteNavigation.objects.update_or_create(pk=1, defaults={"data": data})
    cache.set(key, data, CACHE_SECONDS)
    return data


def menu_links(location: str, request=None) -> list[dict]:
    return current(request).get(location, [])


def privacy_page(request=None) -> dict | None:
    return current(request).get("privacy")
