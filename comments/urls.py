from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("commenti/articolo/<int:article_id>/", views.post_comment, name="post"),
]
