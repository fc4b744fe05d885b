"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream of small records.

The file is parsed with defusedxml's iterparse: an entity declaration (the way to external
entities and to "billion laughs" expansion) stops the parse at once, so nothing outside the file
is ever read. Each top-level element of the channel becomes a record and is cleared as soon as it
has been read, so memory holds one item (a post and its comments) at a time, whatever the size of
the file.

Namespaces are recognised by their address, read from the file: the `wp` one is
http(s)://wordpress.org/export/1.x/ whichever prefix it is given. Unknown elements are ignored.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, iterparse
from django.utils import timezone

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

_NAMESPACES = (
    ("wp", re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")),
    ("excerpt", re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")),
    ("content", re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")),
    ("dc", re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")),
)
# Post meta worth keeping; an export holds a lot more, none of it useful here.
KEPT_META = frozenset(
    {
        "_thumbnail_id",
        "_wp_attached_file",
        "_wp_attachment_image_alt",
        "_yoast_wpseo_primary_category",
        "_yoast_wpseo_metadesc",
        # Menu items: what they link to, and where they hang.
        "_menu_item_type",
        "_menu_item_object",
        "_menu_item_object_id",
        "_menu_item_menu_item_parent",
        "_menu_item_url",
    }
)


class WxrError(Exception):
    """The file cannot be imported: the message says why and where, for the person running it."""


@dataclass(slots=True)
class Channel:
    """What the export says about the site; yielded once, before any other record."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    namespace: str = ""  # the wp namespace address, as the file spells it


@dataclass(slots=True)
class WxrAuthor:
    login: str
    wp_id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(slots=True)
class WxrTerm:
    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str = ""
    term_id: int | None = None
    parent_slug: str = ""
    description: str = ""


@dataclass(slots=True)
class WxrItemTerm:
    taxonomy: str
    slug: str
    name: str


@dataclass(slots=True)
class WxrComment:
    wp_id: int
    parent_id: int = 0
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime | None = None
    content: str = ""
    approved: str = ""
    type: str = ""


@dataclass(slots=True)
class WxrItem:
    post_id: int | None = None
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    slug: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime | None = None
    modified: datetime | None = None
    comment_status: str = ""
    password: str = ""
    attachment_url: str = ""
    parent_id: int | None = None
    menu_order: int = 0
    terms: list[WxrItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)


Record = Channel | WxrAuthor | WxrTerm | WxrItem


class _Names:
    """Element tags as short names ("wp:post_id"), namespaces told apart by their address."""

    def __init__(self):
        self.prefixes: dict[str, str] = {}
        self.version = ""
        self.wp_namespace = ""
        self._cache: dict[str, str] = {}

    def declare(self, uri: str) -> None:
        for short, pattern in _NAMESPACES:
            match = pattern.match(uri)
            if match:
                self.prefixes[uri] = short
                if short == "wp" and not self.wp_namespace:
                    self.wp_namespace, self.version = uri, match.group(1)
                self._cache.clear()
                return

    def of(self, tag: str) -> str:
        name = self._cache.get(tag)
        if name is None:
            if tag.startswith("{"):
                uri, _, local = tag[1:].partition("}")
                short = self.prefixes.get(uri)
                name = f"{short}:{local}" if short else f"{{{uri}}}{local}"
            else:
                name = tag
            self._cache[tag] = name
        return name


def _text(element: Element) -> str:
    if len(element):
        return "".join(element.itertext()).strip()
    return (element.text or "").strip()


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _wp_date(gmt: str, local: str) -> datetime | None:
    """A WordPress date: the GMT column when it is set, else the local one in our time zone
    (drafts carry 0000-00-00 00:00:00 in the GMT column)."""
    for value, zone in ((gmt, UTC), (local, None)):
        if not value or value.startswith("0000"):
            continue
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        if zone is UTC:
            return moment.replace(tzinfo=UTC)
        return timezone.make_aware(moment)
    return None


def _rfc822_date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.year < 1900:  # WordPress writes "-0001" for drafts
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _children(element: Element, names: _Names) -> dict[str, str]:
    return {names.of(child.tag): _text(child) for child in element}


def _author(element: Element, names: _Names) -> WxrAuthor:
    values = _children(element, names)
    return WxrAuthor(
        login=values.get("wp:author_login", ""),
        wp_id=_int(values.get("wp:author_id", "")),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
    )


def _term(element: Element, names: _Names, kind: str) -> WxrTerm | None:
    values = _children(element, names)
    if kind == "category":
        return WxrTerm(
            taxonomy="category",
            slug=values.get("wp:category_nicename", ""),
            name=values.get("wp:cat_name", ""),
            term_id=_int(values.get("wp:term_id", "")),
            parent_slug=values.get("wp:category_parent", ""),
            description=values.get("wp:category_description", ""),
        )
    if kind == "tag":
        return WxrTerm(
            taxonomy="post_tag",
            slug=values.get("wp:tag_slug", ""),
            name=values.get("wp:tag_name", ""),
            term_id=_int(values.get("wp:term_id", "")),
            description=values.get("wp:tag_description", ""),
        )
    taxonomy = values.get("wp:term_taxonomy", "")
    if taxonomy not in ("category", "post_tag"):
        return None  # Menus, formats and custom taxonomies have no counterpart here.
    return WxrTerm(
        taxonomy=taxonomy,
        slug=values.get("wp:term_slug", ""),
        name=values.get("wp:term_name", ""),
        term_id=_int(values.get("wp:term_id", "")),
        parent_slug=values.get("wp:term_parent", ""),
        description=values.get("wp:term_description", ""),
    )


def _comment(element: Element, names: _Names) -> WxrComment:
    values = _children(element, names)
    return WxrComment(
        wp_id=_int(values.get("wp:comment_id", "")) or 0,
        parent_id=_int(values.get("wp:comment_parent", "")) or 0,
        author=values.get("wp:comment_author", ""),
        email=values.get("wp:comment_author_email", ""),
        url=values.get("wp:comment_author_url", ""),
        ip=values.get("wp:comment_author_IP", ""),
        date=_wp_date(values.get("wp:comment_date_gmt", ""), values.get("wp:comment_date", "")),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", ""),
        type=values.get("wp:comment_type", ""),
    )


def _item(element: Element, names: _Names) -> WxrItem:
    item = WxrItem()
    values: dict[str, str] = {}
    for child in element:
        name = names.of(child.tag)
        if name == "wp:comment":
            item.comments.append(_comment(child, names))
        elif name == "wp:postmeta":
            meta = _children(child, names)
            key = meta.get("wp:meta_key", "")
            if key in KEPT_META:
                item.meta[key] = meta.get("wp:meta_value", "")
        elif name == "category":
            taxonomy = child.get("domain", "category")
            if taxonomy == "tag":  # WXR 1.0
                taxonomy = "post_tag"
            item.terms.append(
                WxrItemTerm(taxonomy=taxonomy, slug=child.get("nicename", ""), name=_text(child))
            )
        else:
            values[name] = _text(child)
    item.post_id = _int(values.get("wp:post_id", ""))
    item.post_type = values.get("wp:post_type", "post")
    item.status = values.get("wp:status", "")
    item.title = values.get("title", "")
    item.link = values.get("link", "")
    item.guid = values.get("guid", "")
    item.slug = values.get("wp:post_name", "")
    item.creator = values.get("dc:creator", "")
    item.content = values.get("content:encoded", "")
    item.excerpt = values.get("excerpt:encoded", "")
    item.date = _wp_date(
        values.get("wp:post_date_gmt", ""), values.get("wp:post_date", "")
    ) or _rfc822_date(values.get("pubDate", ""))
    item.modified = _wp_date(
        values.get("wp:post_modified_gmt", ""), values.get("wp:post_modified", "")
    )
    item.comment_status = values.get("wp:comment_status", "")
    item.password = values.get("wp:post_password", "")
    item.attachment_url = values.get("wp:attachment_url", "")
    item.parent_id = _int(values.get("wp:post_parent", "")) or None
    item.menu_order = max(0, _int(values.get("wp:menu_order", "")) or 0)
    return item


_HEADER = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def _channel_children(file: BinaryIO, *, name: str, parser, names: _Names) -> Iterator:
    """Each finished direct child of <channel>, in file order, dropped from the tree once read
    (the file is never held whole)."""
    channel_element = None
    depth = 0
    for event, data in iterparse(file, events=("start", "end", "start-ns"), parser=parser):
        if event == "start-ns":
            names.declare(data[1])
            continue
        if event == "start":
            depth += 1
            if depth == 1 and data.tag != "rss":
                raise WxrError(
                    f"{name} is not a WordPress export: its root element is "
                    f"<{names.of(data.tag)}>, not <rss>."
                )
            if depth == 2:
                channel_element = data
            continue
        depth -= 1
        if depth != 2:  # not a direct child of the channel: read with its parent
            continue
        yield data
        data.clear()
        if channel_element is not None:
            channel_element.clear()


def _record(data, names: _Names, channel: Channel) -> Record | None:
    """The record a child of <channel> holds; a header field goes into `channel` instead."""
    tag = names.of(data.tag)
    if tag in _HEADER:
        setattr(channel, _HEADER[tag], _text(data))
        return None
    if tag == "wp:author":
        return _author(data, names)
    if tag in ("wp:category", "wp:tag", "wp:term"):
        return _term(data, names, tag.partition(":")[2])
    if tag == "item":
        return _item(data, names)
    return None


def safe_parser() -> DefusedXMLParser:
    """A parser that refuses entity declarations and external references (no file outside
    the export is ever read, no "billion laughs")."""
    return DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )


@contextmanager
def refusing_bad_xml(name: str, parser: DefusedXMLParser, error=None):
    """Parse errors and refused entities as `error` (WxrError by default), with the line and
    column for the person running the import."""
    error = error or WxrError
    try:
        yield
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).rsplit(":", 1)[0]
        raise error(
            f"{name} is not well-formed XML at line {line}, column {column} ({reason}); "
            "is the file complete? Nothing was imported."
        ) from None
    except EntitiesForbidden as exc:
        raise error(
            f"{name} declares an XML entity (“{exc.name}”) at line "
            f"{parser.parser.CurrentLineNumber}: entity declarations are refused, since they can "
            "read other files or expand without limit, and exports never contain them. "
            "Nothing was imported."
        ) from None
    except (ExternalReferenceForbidden, DTDForbidden) as exc:
        raise error(
            f"{name} refers to an external resource ({exc.sysid}) at line "
            f"{parser.parser.CurrentLineNumber}: refused. Nothing was imported."
        ) from None


def read(file: BinaryIO, *, name: str) -> Iterator[Record]:
    """The records of an export, in file order, the Channel first. Raises WxrError."""
    parser = safe_parser()
    names = _Names()
    channel = Channel()
    header_sent = False

    def header() -> Channel:
        if not names.wp_namespace:
            raise WxrError(
                f"{name} is not a WordPress export: it declares no wordpress.org/export/ "
                "namespace. Export the site from WordPress's Tools > Export."
            )
        channel.namespace = names.wp_namespace
        channel.wxr_version = channel.wxr_version or names.version
        return channel

    with refusing_bad_xml(name, parser):
        for data in _channel_children(file, name=name, parser=parser, names=names):
            record = _record(data, names, channel)
            if record is not None:
                if not header_sent:
                    yield header()
                    header_sent = True
                yield record
    if not header_sent:
        yield header()
