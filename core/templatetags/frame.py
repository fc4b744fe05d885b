"""`{% frame_scripts %}`: what the apps registered in core.frame for every public page."""

from django import template

from core import frame

register = template.Library()


@register.simple_tag(takes_context=True)
def frame_scripts(context):
    return frame.render_scripts(context)
