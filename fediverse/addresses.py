"""Our absolute addresses on the fediverse: ids of actors, collections, objects, activities.

Ids are built on SITE_URL (never on the Host a client sent) and on primary keys, so they stay
the same when an author's slug or the magazine's handle changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from fediverse import conf

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def domain() -> str:
    """The host in our handles (@name@domain)."""
    return (conf.get("FEDIVERSE_DOMAIN") or urlsplit(settings.SITE_URL).netloc).lower()


def actor_path_kwargs(actor) -> dict:
    if actor.kind == actor.Kind.MAGAZINE:
        return {"who": "magazine"}
    return {"who": f"authors/{actor.author_id}"}


def actor_id(actor) -> str:
    return absolute(reverse("fediverse:actor", kwargs=actor_path_kwargs(actor)))


def actor_collection(actor, name: str) -> str:
    """The actor's inbox, outbox or followers."""
    return absolute(reverse(f"fediverse:{name}", kwargs=actor_path_kwargs(actor)))


def key_id(actor) -> str:
    return actor_id(actor) + "#main-key"


def shared_inbox() -> str:
    return absolute(reverse("fediverse:shared-inbox"))


def article_id(article_pk: int) -> str:
    return absolute(reverse("fediverse:article", kwargs={"pk": article_pk}))
