"""The URLs of bench.xtd_site's django-comments-xtd site (its own virtualenv, not Rivista's)."""

from django.urls import include, path

from bench.xtd_site import article_page

urlpatterns = [
    path("articolo/<int:pk>/", article_page),
    path("comments/", include("django_comments_xtd.urls")),
]
