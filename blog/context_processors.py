from django.conf import settings

from blog.content_version import content_version
from blog.models import Promo

_UNKNOWN = object()


def site(request):
    """What every page's frame shows: the site name and the active promo banner."""

    def active_promo():
        # A view that already learnt which promo is active (the article page does, in its own
        # query) saves the lookup when there is none.
        pk = getattr(request, "active_promo_pk", _UNKNOWN)
        if pk is _UNKNOWN:
            return Promo.objects.active().order_by("order", "-pk").first()
        return Promo.objects.filter(pk=pk).first() if pk else None

    return {
        "site_name": settings.SITE_NAME,
        "active_promo": active_promo,
        # Cache keys of fragments built from the blog's content (see blog/content_version.py).
        "content_version": content_version,
    }
