"""Cache invalidation: whatever changes a comment readers could see bumps its article's version."""

from django.db import transaction

from comments.cache import bump_article_version
from comments.models import Comment


def comment_saved(sender, instance: Comment, created: bool, **kwargs):
    if created and instance.status != Comment.Status.APPROVED:
        return  # A new held comment changes nothing readers see.
    _bump_now_and_after_commit(instance.article_id)


def comment_deleted(sender, instance: Comment, **kwargs):
    _bump_now_and_after_commit(instance.article_id)


def _bump_now_and_after_commit(article_id: int) -> None:
    # Twice on purpose: a reader rendering while the transaction is still open could cache the
    # old tree under the first new version; the bump after commit retires that one too.
    bump_article_version(article_id)
    transaction.on_commit(lambda: bump_article_version(article_id))
