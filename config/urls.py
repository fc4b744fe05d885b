from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from blog.seo import robots_txt
from blog.sitemaps import sitemap_index, sitemap_section
from config.admin_shortcut import view_on_site

admin.site.site_header = _("Magazine administration")
admin.site.site_title = _("Magazine")
admin.site.index_title = _("Editorial desk")


@require_safe
@cache_control(max_age=24 * 60 * 60)
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (the admin, a feed, an
    image): the site's own icon, the one every public page links to."""
    return HttpResponsePermanentRedirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", include("core.password_reset")),
    # Before the admin's own: "view on site" must not reveal an article the user may not see.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site, name="view-on-site"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path("api/", include("api.urls")),
    path("", include("comments.urls")),
    path("", include("newsletter.urls")),
    path("", include("contact.urls")),
    path("", include("readership.urls")),
    path("", include("fediverse.urls")),
    path("", include("blog.urls")),
    # Pages answer whatever address no route above claims: keep this last.
    path("", include("pages.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
