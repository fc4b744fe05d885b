"""Cache invalidation: whatever changes a comment readers could see bumps its article's version."""

from django.db import transaction

from comments import conf
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


def discussion_settings_saved(sender, **kwargs):
    # Every process sharing the cache reads the new rules on its next request.
    transaction.on_commit(conf.forget_discussion)
    conf.forget_discussion()


def django_setting_changed(setting, **kwargs):
    """Tests (and override_settings) change COMMENTS_* defaults: drop the cached rules."""
    if setting.startswith("COMMENTS_"):
        conf.forget_discussion()
