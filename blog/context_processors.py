from django.conf import settings

from blog.models import Promo


def site(request):
    """What every page's frame shows: the site name and the active promo banner."""
    return {
        "site_name": settings.SITE_NAME,
        "active_promo": Promo.objects.active().first,
    }
