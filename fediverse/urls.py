from django.urls import path, register_converter

from fediverse import inbox, views

app_name = "fediverse"


class ActorConverter:
    """The part of an actor's id after /fediverse/: "magazine" or "authors/<pk>"."""

    regex = r"magazine|authors/[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ActorConverter, "actor")

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("fediverse/inbox/", inbox.shared_inbox, name="shared-inbox"),
    path("fediverse/articles/<int:pk>/", views.article, name="article"),
    path("fediverse/comments/<int:pk>/", views.comment, name="comment"),
    path("fediverse/<actor:who>/", views.actor, name="actor"),
    path("fediverse/<actor:who>/inbox/", inbox.actor_inbox, name="inbox"),
    path("fediverse/<actor:who>/outbox/", views.outbox, name="outbox"),
    path("fediverse/<actor:who>/followers/", views.followers, name="followers"),
]
