"""Admin-only tags: the unread contact messages link shown to whoever reads the inbox."""

from django import template
from django.urls import reverse

from contact.models import ContactMessage

register = template.Library()


@register.inclusion_tag("admin/contact/unread_link.html", takes_context=True)
def unread_messages_link(context):
    """ "Unread messages: N", linking to them, when N > 0; one COUNT, never cached."""
    user = context.get("user")
    if user is None or not user.has_perm("contact.view_contactmessage"):
        return {"url": None}
    count = ContactMessage.objects.filter(is_read=False).count()
    if not count:
        return {"url": None}
    url = reverse("admin:contact_contactmessage_changelist")
    return {"url": f"{url}?is_read__exact=0", "count": count}
