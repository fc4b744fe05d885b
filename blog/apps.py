from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Magazine")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from blog import checks, content_version, media_uses, models  # noqa: F401 - checks register themselves
        from media.models import Image

        for model in (
            models.Article,
            models.Author,
            models.Category,
            models.Tag,
            models.Promo,
            models.Correction,
            # A library image replaced, re-captioned or deleted changes every article showing it.
            Image,
        ):
            uid = f"blog_content_{model.__name__}"
            post_save.connect(
                content_version.content_changed, sender=model, dispatch_uid=uid + "_save"
            )
            post_delete.connect(
                content_version.content_changed, sender=model, dispatch_uid=uid + "_delete"
            )
        uid = "blog_media_uses_Article"
        post_save.connect(media_uses.body_saved, sender=models.Article, dispatch_uid=uid + "_save")
        post_delete.connect(
            media_uses.body_deleted, sender=models.Article, dispatch_uid=uid + "_delete"
        )
        m2m_changed.connect(
            content_version.content_changed,
            sender=models.Article.tags.through,
            dispatch_uid="blog_tags",
        )
