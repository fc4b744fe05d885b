from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from media.render import render_body

register = template.Library()


@register.simple_tag
def media_body(html, after_cover=False):
    """A sanitized body with library images, galleries and embeds resolved.

    The first image loads eagerly (likely the largest thing on screen) unless a cover above it
    already does.
    """
    return render_body(html, eager=0 if after_cover else 1)


@register.simple_tag
def media_scripts():
    """The external scripts that enhance galleries and embeds (no inline script: strict CSP)."""
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("js/gallery.js"),
        static("js/embeds.js"),
    )
