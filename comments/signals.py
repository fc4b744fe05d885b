"""Cache invalidation: whatever changes a comment readers could see bumps its article's version."""

from django.db import transaction

from comments.cache import bump_article_version
from comments.models import Comment


def comment_saved(sender, instance: Comment, created: bool, **kwargs):
    if created and instance.status != Comment.Status.APPROVED:
        return  # A new held comment changes nothing readers see.
    # After commit: a reader rendering meanwhile must not cache the old tree under a new version.
    transaction.on_commit(lambda: bump_article_version(instance.article_id))


def comment_deleted(sender, instance: Comment, **kwargs):
    transaction.on_commit(lambda: bump_article_version(instance.article_id))
