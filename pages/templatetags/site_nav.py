"""The site's menus and the privacy policy link, for any template (forms of every app); the
apps' statements under the privacy page's text."""

from django import template
from django.utils.safestring import mark_safe

from core import privacy
from pages import navigation

register = template.Library()


@register.inclusion_tag("pages/includes/menu.html", takes_context=True)
def site_menu(context, location):
    request = context.get("request")
    return {
        "links": navigation.menu_links(location, request),
        "location": location,
        "current_path": request.path if request is not None else "",
    }


@register.inclusion_tag("pages/includes/privacy_link.html", takes_context=True)
def privacy_policy_link(context):
    """ "Privacy policy" linking to the designated page; nothing when there is none."""
    return {"privacy": navigation.privacy_page(context.get("request"))}


@register.simple_tag
def privacy_notices():
    """What the apps state on the privacy page of the data they keep (core.privacy)."""
    # Each notice is markup its own app's template rendered and escaped.
    return mark_safe("".join(privacy.notices()))  # noqa: S308
