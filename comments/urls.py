from django.urls import path

from comments import (
    editing_views,
    flag_views,
    following_views,
    permalink,
    unsubscribe,
    verification_views,
    views,
)

app_name = "comments"

urlpatterns = [
    path("commenti/articolo/<int:article_id>/", views.post_comment, name="post"),
    path("commento/<int:comment_id>/", permalink.comment_permalink, name="permalink"),
    path("commento/<int:comment_id>/modifica/", editing_views.edit_comment, name="edit"),
    path("commento/<int:comment_id>/segnala/", flag_views.flag_comment, name="flag"),
    path("commenti/articolo/<int:article_id>/segui/", following_views.follow, name="follow"),
    path(
        "commenti/segui/conferma/<str:token>/",
        following_views.follow_confirm,
        name="follow-confirm",
    ),
    path(
        "commenti/segui/disiscrizione/<str:token>/",
        following_views.follow_unsubscribe,
        name="follow-unsubscribe",
    ),
    path("commenti/disiscrizione/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path(
        "commenti/conferma-indirizzo/<str:token>/",
        verification_views.confirm_address,
        name="confirm-address",
    ),
]
