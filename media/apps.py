from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Media library")

    def ready(self):
        from django.db.models.signals import post_delete

        from media import services
        from media.models import Image

        post_delete.connect(
            lambda sender, instance, **kwargs: services.image_files_delete(image=instance),
            sender=Image,
            dispatch_uid="media_image_files",
            weak=False,
        )
