from django.conf import settings

from blog.cache import content_version
from blog.models import Promo


def site(request):
    """What every page's frame shows: the site name and the active promo banner."""
    return {
        "site_name": settings.SITE_NAME,
        "active_promo": Promo.objects.active().first,
        # Cache keys of fragments built from the blog's content (see blog/cache.py).
        "content_version": content_version,
    }
