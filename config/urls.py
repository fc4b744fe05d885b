from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from blog.seo import robots_txt
from blog.sitemaps import SITEMAPS

admin.site.site_header = _("Magazine administration")
admin.site.site_title = _("Magazine")
admin.site.index_title = _("Editorial desk")

urlpatterns = [
    path("", include("core.password_reset")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("comments.urls")),
    path("", include("newsletter.urls")),
    path("", include("contact.urls")),
    path("", include("blog.urls")),
    # Pages answer whatever address no route above claims: keep this last.
    path("", include("blog.page_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
