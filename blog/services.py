"""Writes on articles that carry editorial rules; the admin and commands call these."""

from django.db import transaction
from django.utils import timezone

from blog.models import Article


def article_publish(*, article: Article) -> bool:
    """Publish a draft. Returns False when it was already published.

    As WordPress's "Publish" does: a draft dated in the past goes out dated now (its permalink
    carries today's date); a future date is kept, which schedules it.
    """
    if article.status == Article.Status.PUBLISHED:
        return False
    with transaction.atomic():
        article.status = Article.Status.PUBLISHED
        if article.publish_at <= timezone.now():
            article.publish_at = timezone.now()
        article.save(update_fields=["status", "publish_at", "updated"])
    return True


def article_unpublish(*, article: Article) -> bool:
    """Take an article back to draft. Returns False when it was a draft already."""
    if article.status == Article.Status.DRAFT:
        return False
    with transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status", "updated"])
    return True
