"""Admin-only tags: the moderation queue link shown to moderators on every admin page."""

from django import template
from django.urls import reverse

from comments.models import Comment
from comments.selectors import pending_comment_count

register = template.Library()


@register.inclusion_tag("admin/comments/moderation_queue_link.html", takes_context=True)
def moderation_queue_link(context):
    """ "Comments awaiting moderation: N", linking to the pending comments, for moderators.

    The count is never cached, so it is right straight after an action; the queue page hands
    over the count it already made.
    """
    user = context.get("user")
    if user is None or not user.has_perm("comments.change_comment"):
        return {"url": None}
    count = context.get("pending_comment_count")
    if count is None:
        count = pending_comment_count()
    url = reverse("admin:comments_comment_changelist")
    return {
        "url": f"{url}?status__exact={Comment.Status.PENDING}",
        "count": count,
        # The queue one comment at a time, with its keyboard shortcuts (comments.desk_queue).
        "desk_url": reverse("admin:comments_comment_desk"),
    }
