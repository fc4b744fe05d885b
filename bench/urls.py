"""The site's URLs plus one bare view: the floor for serving a page of the same size."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

BARE_PAGES: dict[int, bytes] = {}


def bare_page(request, key: int):
    return HttpResponse(BARE_PAGES[key], content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/<int:key>/", bare_page), *site_urlpatterns]
