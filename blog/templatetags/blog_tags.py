from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from blog import article_page, author_page, reading
from media import pipeline as images

register = template.Library()


@register.simple_tag(takes_context=True)
def article_sections(context, article):
    """What the apps registered in blog.article_page add below the article (the comments)."""
    # Each section is markup its own templates rendered and escaped.
    return mark_safe("".join(ext.section(context, article) for ext in article_page.extensions()))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_head(context, article):
    """What the apps registered in blog.article_page add to the article's <head>."""
    # Each part is markup its own app rendered and escaped.
    parts = (ext.head(context, article) for ext in article_page.extensions() if ext.head)
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def author_sections(context, author):
    """What the apps registered in blog.author_page add under the author's box."""
    # Each section is markup its own templates rendered and escaped.
    return mark_safe("".join(ext.section(context, author) for ext in author_page.extensions()))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_canonical_query(context, article):
    """The query string the article's canonical address keeps (a comment page), or ""."""
    return article_page.canonical_query(context.get("request"), article)


@register.simple_tag
def responsive_image(field_file, alt="", sizes="100vw", eager=False):
    """An <img> with WebP renditions in srcset and the intrinsic width/height (no layout shift)."""
    if not field_file:
        return ""
    width, height = _dimensions(field_file)
    candidates = [
        (field_file.storage.url(images.rendition_name(field_file.name, w)), w)
        for w in images.rendition_widths(width)
    ]
    candidates.append((field_file.url, width))
    srcset = format_html_join(", ", "{} {}w", candidates)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}"'
        ' decoding="async">',
        field_file.url,
        srcset,
        sizes,
        width,
        height,
        alt,
        "eager" if eager else "lazy",
    )


@register.simple_tag
def author_avatar(author, size=64):
    """The author's avatar, or their initials in a circle when there is none."""
    if author.avatar:
        return format_html(
            '<img class="avatar" src="{}" width="{}" height="{}" alt="" loading="lazy">',
            _avatar_url(author.avatar, size),
            size,
            size,
        )
    return format_html(
        '<span class="avatar avatar-initials" aria-hidden="true">{}</span>', author.initials
    )


def _avatar_url(field_file, size):
    # The smallest rendition at least twice the displayed size (sharp on high-density screens).
    for width in images.rendition_widths(_dimensions(field_file)[0]):
        if width >= size * 2:
            return field_file.storage.url(images.rendition_name(field_file.name, width))
    return field_file.url


def _dimensions(field_file) -> tuple[int | None, int | None]:
    """The size saved on the model (width_field/height_field): no file is opened to render.

    ImageFieldFile.width/height read the file from storage, once per image per page (a
    network round trip on remote storage), and a missing file would turn the page into a 500.
    """
    field, instance = field_file.field, field_file.instance
    width = getattr(instance, field.width_field, None) if field.width_field else None
    height = getattr(instance, field.height_field, None) if field.height_field else None
    if width and height:
        return width, height
    return field_file.width, field_file.height


@register.filter
def reading_minutes(article) -> int:
    return reading.reading_minutes(article)


@register.inclusion_tag("blog/includes/reading_aids.html")
def reading_aids(article):
    """Previous/next navigation and related articles, from one query."""
    aids = reading.reading_aids(article)
    return {"previous": aids.previous, "next": aids.next, "related": aids.related}
