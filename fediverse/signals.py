"""Articles saved or deleted anywhere (the admin, a command, an import) are synced with the
fediverse after commit; an approved reply on our site is offered to the fediverse after commit
(the task sends it only when it answers a reply from there). Neither blog nor comments knows
this app exists; the receivers make no query."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from core import after_commit
from fediverse import conf, publishing, replies_out


@receiver(post_save, sender=Article, dispatch_uid="fediverse.article_saved")
def article_saved(sender, instance: Article, raw=False, **kwargs):
    if raw or not conf.get("FEDIVERSE_ENABLED"):
        return
    scheduled = instance.status == Article.Status.PUBLISHED and instance.publish_at > timezone.now()
    publishing.queue_sync(instance.pk, run_after=instance.publish_at if scheduled else None)


@receiver(post_delete, sender=Article, dispatch_uid="fediverse.article_deleted")
def article_deleted(sender, instance: Article, **kwargs):
    if conf.get("FEDIVERSE_ENABLED"):
        publishing.queue_sync(instance.pk)


@receiver(post_save, sender=Comment, dispatch_uid="fediverse.comment_saved")
def comment_saved(sender, instance: Comment, raw=False, **kwargs):
    if raw or not conf.get("FEDIVERSE_ENABLED"):
        return
    if instance.parent_id is None or instance.status != Comment.Status.APPROVED:
        return
    if instance.author_role == Comment.Role.FEDIVERSE:
        return
    after_commit.gather("fediverse.site_replies", instance.pk, _offer_replies)


def _offer_replies(pks: set) -> None:
    for pk in sorted(pks):
        replies_out.send_site_reply.enqueue(pk)
