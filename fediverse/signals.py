"""Articles saved or deleted anywhere (the admin, a command, an import) are synced with the
fediverse after commit; a reply on our site is offered to the fediverse once approved, however
it was (comments.events; the task sends it only when it answers a reply from there). Neither
blog nor comments knows this app exists; the receivers make no query."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Article, Correction
from comments import events
from comments.models import Comment
from core import after_commit
from fediverse import conf, publishing, replies_out


@receiver(post_save, sender=Article, dispatch_uid="fediverse.article_saved")
def article_saved(sender, instance: Article, raw=False, **kwargs):
    if raw or not conf.get("FEDIVERSE_ENABLED"):
        return
    scheduled = instance.status == Article.Status.PUBLISHED and instance.publish_at > timezone.now()
    publishing.queue_sync(instance.pk, run_after=instance.publish_at if scheduled else None)


@receiver(post_save, sender=Correction, dispatch_uid="fediverse.correction_saved")
@receiver(post_delete, sender=Correction, dispatch_uid="fediverse.correction_deleted")
def correction_changed(sender, instance: Correction, raw=False, **kwargs):
    """A correction edited or removed in its admin (adding one saves the article as well)."""
    if not raw and conf.get("FEDIVERSE_ENABLED"):
        publishing.queue_sync(instance.article_id)


@receiver(post_delete, sender=Article, dispatch_uid="fediverse.article_deleted")
def article_deleted(sender, instance: Article, **kwargs):
    if conf.get("FEDIVERSE_ENABLED"):
        publishing.queue_sync(instance.pk)


@receiver(events.comments_approved, dispatch_uid="fediverse.comments_approved")
def comments_approved(sender, comments, **kwargs):
    """However comments were approved (one, a bulk action, posted approved), each reply on our
    site is offered; the task sends it only when it answers a reply from the fediverse."""
    if not conf.get("FEDIVERSE_ENABLED"):
        return
    for comment in comments:
        if comment.parent_id is not None and comment.author_role != Comment.Role.FEDIVERSE:
            after_commit.gather("fediverse.site_replies", comment.pk, _offer_replies)


def _offer_replies(pks: set) -> None:
    for pk in sorted(pks):
        replies_out.send_site_reply.enqueue(pk)
