"""Cache invalidation: whatever changes a comment readers could see bumps its article's version."""

from django.db import transaction

from comments import discussion, hours
from comments.models import Comment
from comments.tree_cache import bump_article_versions


def comment_saved(sender, instance: Comment, created: bool, **kwargs):
    if created and instance.status != Comment.Status.APPROVED:
        return  # A new held comment changes nothing readers see.
    bump_article_versions(instance.article_id)


def comment_deleted(sender, instance: Comment, **kwargs):
    bump_article_versions(instance.article_id)


def discussion_settings_saved(sender, **kwargs):
    # Every process sharing the cache reads the new rules on its next request.
    transaction.on_commit(discussion.forget)
    discussion.forget()


def section_hours_changed(sender, **kwargs):
    """A section's comment hours saved or deleted: read again everywhere, kept pages retire."""
    transaction.on_commit(hours.forget_section_hours)
    hours.forget_section_hours()


def django_setting_changed(setting, **kwargs):
    """Tests (and override_settings) change COMMENTS_* defaults: drop the cached rules."""
    if setting.startswith("COMMENTS_"):
        discussion.forget()
    if setting == "TIME_ZONE":
        hours.forget_section_hours()
