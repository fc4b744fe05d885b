from django.urls import path

from comments import unsubscribe, views

app_name = "comments"

urlpatterns = [
    path("commenti/articolo/<int:article_id>/", views.post_comment, name="post"),
    path("commenti/disiscrizione/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
