"""Articles saved or deleted anywhere (the admin, a command, an import) are synced with the
fediverse after commit; blog does not know this app exists."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Article
from fediverse import conf, publishing


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
