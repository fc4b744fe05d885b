"""Articles, pages and the media library: which images each body uses. Signal receivers,
connected in BlogConfig.ready() for every model with a body (articles, pages)."""

from media import services
from media.render import referenced_ids


def body_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not {"body", "title"} & set(update_fields)):
        return  # a status change or a correction's date: the body is as it was
    services.image_uses_set(
        obj=instance, image_ids=referenced_ids(instance.body), label=instance.title
    )


def body_deleted(sender, instance, **kwargs) -> None:
    services.image_uses_clear(obj=instance)
