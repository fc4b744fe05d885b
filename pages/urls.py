"""Editors' page preview, and the page catch-all: included last in config/urls.py, so every
other route wins."""

from django.urls import path, register_converter

from pages import views


class PagePathConverter:
    """Slugs joined by slashes: an address with a dot (/favicon.ico) is never a page, so it is
    not redirected to a slash-ended address first (APPEND_SLASH) on its way to a 404."""

    regex = r"[-\w]+(?:/[-\w]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PagePathConverter, "pagepath")

app_name = "pages"

urlpatterns = [
    path("anteprima/pagina/<int:pk>/", views.page_preview, name="preview"),
    path("<pagepath:path>/", views.page_detail, name="page"),
]
