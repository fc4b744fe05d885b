"""Email to the editors when an article waits for review. Called by blog.services after commit.

One small function, so that moving it to a background task is a one-line change. A failure is
logged and swallowed: the submission is already committed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from blog import conf
from blog.permissions import PUBLISH_PERMISSION
from core.mail import addresses_with_permission, site_url

logger = logging.getLogger(__name__)


def editor_addresses() -> list[str]:
    """Active users with an address who may publish (group, own permission or superuser)."""
    return addresses_with_permission(PUBLISH_PERMISSION)


def review_notice_recipients() -> list[str]:
    """Who a submission for review tells: nobody while the notices are off or while no editor
    has an address (the admin then says so instead of claiming the editors were told)."""
    if not conf.get("BLOG_NOTIFY_REVIEW"):
        return []
    return editor_addresses()


def article_submitted(article) -> None:
    """Tell every editor, one message each, that an article waits for review."""
    recipients = review_notice_recipients()
    if not recipients:
        return
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "article_title": article.title,
                "author": article.author.display_name,
                "change_url": site_url(reverse("admin:blog_article_change", args=[article.pk])),
                "preview_url": site_url(article.get_preview_url()),
            }
            subject = " ".join(render_to_string("blog/email/review_subject.txt", context).split())
            body = render_to_string("blog/email/review_body.txt", context)
        messages = [
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
                headers={"Auto-Submitted": "auto-generated"},
            )
            for to in recipients
        ]
    except Exception:
        logger.exception("Could not prepare the review notifications for article %s", article.pk)
        return
    for message in messages:
        try:
            message.send()
        except Exception:
            logger.exception("Could not send a review notification for article %s", article.pk)
