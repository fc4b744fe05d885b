"""The page catch-all: included last in config/urls.py, so every other route wins."""

from django.urls import path

from blog import page_views

app_name = "pages"

urlpatterns = [path("<path:path>/", page_views.page_detail, name="page")]
