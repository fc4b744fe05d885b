"""Articles and the media library: which images each article uses, and fresh pages when an
image changes. Signal receivers, connected in BlogConfig.ready()."""

from media import services
from media.render import referenced_ids


def article_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    services.image_uses_set(
        obj=instance, image_ids=referenced_ids(instance.body), label=instance.title
    )


def article_deleted(sender, instance, **kwargs) -> None:
    services.image_uses_clear(obj=instance)
