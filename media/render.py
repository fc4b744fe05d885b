"""Stored article HTML (already sanitized) into what readers get: library images, galleries
and embeds resolved at render time, so a replaced file shows everywhere it is used.

What an editor's body holds, and becomes on the page:
  <img data-media-id="12" src="…" alt="…">            a responsive <img> (srcset, sizes,
                                                      width/height, lazy except the first)
  <figure data-align="wide">…</figure>                kept; the alignment styles it
  <figure data-gallery="12,13,14">…</figure>          a grid of linked thumbnails with captions
  <figure data-embed="youtube"><a href="URL">Title</a></figure>
                                                      a local placeholder; the player only
                                                      after a click (static/js/embeds.js)
The input is the article sanitizer's output (attributes always double-quoted, entities escaped),
so plain patterns read it reliably; everything written here is escaped again.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from media import conf
from media.embeds import find_embed
from media.models import Image

_IMG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_FIGURE = re.compile(
    r"<figure\b([^>]*\bdata-(?:gallery|embed)=\"[^\"]*\"[^>]*)>(.*?)</figure>",
    re.IGNORECASE | re.DOTALL,
)
_ATTR = re.compile(r"([\w:-]+)=\"([^\"]*)\"")
_MEDIA_ID = re.compile(r"\bdata-media-id=\"(\d+)\"")
_GALLERY_IDS = re.compile(r"\bdata-gallery=\"([\d,]+)\"")
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def attributes(tag_attrs: str) -> dict[str, str]:
    return {name.lower(): unescape(value) for name, value in _ATTR.findall(tag_attrs)}


def referenced_ids(html: str) -> set[int]:
    """Every library image a body uses, alone or in a gallery."""
    ids = {int(pk) for pk in _MEDIA_ID.findall(html or "")}
    for group in _GALLERY_IDS.findall(html or ""):
        ids.update(int(pk) for pk in group.split(",") if pk)
    return ids


def gallery_ids(value: str) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in value.split(",") if pk.isdigit()))


@dataclass
class _Renderer:
    images: dict[int, Image]
    eager_left: int
    seen: list[int] = field(default_factory=list)

    def loading(self) -> str:
        if self.eager_left > 0:
            self.eager_left -= 1
            return "eager"
        return "lazy"

    def img(self, image: Image, *, alt: str, sizes: str, extra_class: str = "") -> SafeString:
        candidates = [(image.rendition_url(w), w) for w in image.renditions]
        candidates.append((image.file.url, image.width))
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
            ' loading="{}" decoding="async"{}>',
            image.file.url,
            format_html_join(", ", "{} {}w", candidates),
            sizes,
            image.width,
            image.height,
            alt,
            self.loading(),
            format_html(' class="{}"', extra_class) if extra_class else "",
        )

    def body_img(self, match: re.Match, align: str) -> str:
        attrs = attributes(match.group(1))
        pk = attrs.get("data-media-id", "")
        image = self.images.get(int(pk)) if pk.isdigit() else None
        if image is None:
            return match.group(0)  # not in the library (any more): as it was stored
        sizes = conf.get("MEDIA_IMAGE_SIZES").get(align, conf.get("MEDIA_IMAGE_SIZES")["normal"])
        return self.img(image, alt=attrs.get("alt") or image.alt_text, sizes=sizes)

    def gallery(self, attrs: dict, inner: str) -> str:
        items = [self.images[pk] for pk in gallery_ids(attrs["data-gallery"]) if pk in self.images]
        caption = _FIGCAPTION.search(inner)
        sizes = conf.get("MEDIA_IMAGE_SIZES")["gallery"]
        rendered = format_html_join(
            "\n",
            '<li class="gallery-item"><figure><a class="gallery-link" href="{}"'
            ' data-width="{}" data-height="{}">{}<span class="visually-hidden"> ({})</span></a>'
            "{}</figure></li>",
            (
                (
                    image.file.url,
                    image.width,
                    image.height,
                    self.img(image, alt=image.alt_text, sizes=sizes),
                    _("enlarge"),
                    format_html("<figcaption>{}</figcaption>", _credit_line(image))
                    if image.caption or image.credit
                    else "",
                )
                for image in items
            ),
        )
        return format_html(
            '<figure class="gallery" data-align="{}" data-close="{}" data-previous="{}"'
            ' data-next="{}"><ul class="gallery-grid">{}</ul>{}</figure>',
            attrs.get("data-align") or "wide",
            _("Close"),
            _("Previous image"),
            _("Next image"),
            rendered,
            mark_safe(caption.group(0)) if caption else "",  # noqa: S308 - sanitized input
        )

    def embed(self, inner: str) -> str:
        link = _LINK.search(inner)
        if link is None:
            return ""
        url = attributes(link.group(1)).get("href", "")
        embed = find_embed(url)
        title = unescape(_TAGS.sub("", link.group(2))).strip()
        if embed is None:
            return format_html('<p><a href="{}">{}</a></p>', url, title or url)
        title = title or embed.default_title()
        return format_html(
            '<figure class="embed embed-{}" data-provider="{}">'
            '<a class="embed-placeholder" href="{}" data-player="{}" data-title="{}">'
            '<span class="embed-play" aria-hidden="true"></span>'
            '<span class="embed-title">{}</span>'
            '<span class="embed-provider">{}</span></a></figure>',
            embed.shape,
            embed.provider,
            embed.url,
            embed.player,
            title,
            title,
            _("Play on %(provider)s (loads content from %(provider)s)") % {"provider": embed.name},
        )

    def figure(self, match: re.Match) -> str:
        attrs = attributes(match.group(1))
        if "data-gallery" in attrs:
            return self.gallery(attrs, match.group(2))
        return self.embed(match.group(2))


def _credit_line(image: Image) -> SafeString:
    if image.credit and image.caption:
        return format_html("{} <cite>{}</cite>", image.caption, image.credit)
    if image.credit:
        return format_html("<cite>{}</cite>", image.credit)
    return escape(image.caption)


_ALIGNED = re.compile(r"<figure\b[^>]*\bdata-align=\"(\w+)\"[^>]*>(.*?)</figure>", re.DOTALL)


def render_body(html: str, *, eager: int = 1) -> SafeString:
    """A sanitized body with its library images, galleries and embeds resolved (one query).

    `eager` images load at once (the first, likely the largest on screen); the rest lazily.
    """
    if not html:
        return mark_safe("")
    ids = referenced_ids(html)
    images = Image.objects.in_bulk(ids) if ids else {}
    renderer = _Renderer(images=images, eager_left=eager)
    # In document order: galleries and embeds first (their own markup), then lone images,
    # each sized for the alignment of the figure around it.
    out = []
    position = 0
    for match in _FIGURE.finditer(html):
        out.append(_images(html[position : match.start()], renderer))
        out.append(renderer.figure(match))
        position = match.end()
    out.append(_images(html[position:], renderer))
    return mark_safe("".join(out))  # noqa: S308 - sanitized input, escaped additions


def _images(chunk: str, renderer: _Renderer) -> str:
    if "data-media-id" not in chunk:
        return chunk
    spans = [(m.start(2), m.end(2), m.group(1)) for m in _ALIGNED.finditer(chunk)]

    def replace(match: re.Match) -> str:
        align = next((a for start, end, a in spans if start <= match.start() < end), "normal")
        return renderer.body_img(match, align)

    return _IMG.sub(replace, chunk)
