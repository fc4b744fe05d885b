"""Reads on the media library."""

from django.db.models import Q, QuerySet

from media.models import Image, ImageUse


def images_search(query: str = "") -> QuerySet[Image]:
    """Library images matching words of `query` in title, alt text, caption, credit or file."""
    images = Image.objects.all()
    for word in query.split()[:10]:
        images = images.filter(
            Q(title__icontains=word)
            | Q(alt_text__icontains=word)
            | Q(caption__icontains=word)
            | Q(credit__icontains=word)
            | Q(file__icontains=word)
        )
    return images


def image_uses(image: Image) -> list[ImageUse]:
    return list(image.uses.select_related("content_type"))
