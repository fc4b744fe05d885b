"""Admin-only tags: the review queue link shown to editors on every admin page."""

from django import template
from django.urls import reverse

from blog.models import Article
from blog.permissions import can_publish

register = template.Library()


def review_count() -> int:
    """Articles waiting for an editor: one COUNT on the (status, publish_at) index, not cached."""
    return Article.objects.filter(status=Article.Status.REVIEW).count()


@register.inclusion_tag("admin/blog/review_queue_link.html", takes_context=True)
def review_queue_link(context):
    """ "Articles awaiting review: N", linking to them, for editors when N > 0."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not can_publish(user):
        return {"url": None}
    count = review_count()
    if not count:
        return {"url": None}
    url = reverse("admin:blog_article_changelist")
    return {"url": f"{url}?status__exact={Article.Status.REVIEW}", "count": count}
