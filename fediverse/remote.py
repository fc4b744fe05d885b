"""Remote actors and their keys, fetched by tasks only (fediverse.fetcher) and kept.

A key is fetched once and kept for FEDIVERSE_ACTOR_CACHE_SECONDS; when a signature fails with
the kept key, the key is fetched once more (the sender may have rotated it) before refusing.
"""

from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

from django.utils import timezone

from core.text import clean_text
from core.web_address import is_web_address
from fediverse import actors, conf, fetcher, outgoing
from fediverse.models import RemoteActor


def get_json(url: str) -> dict:
    """Fetches signed by the magazine (servers in Mastodon's secure mode refuse unsigned ones)."""
    return outgoing.get_json(url, actor=actors.magazine_actor())


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _text(value, limit: int) -> str:
    return clean_text(value if isinstance(value, str) else "").strip()[:limit]


def _web(value) -> str:
    return value if isinstance(value, str) and is_web_address(value) and len(value) <= 500 else ""


def _pem(value) -> str:
    """A PEM key as served (its line breaks matter); anything else or anything huge is none."""
    return value.strip() if isinstance(value, str) and len(value) <= 10_000 else ""


def _profile_url(document: dict) -> str:
    url = document.get("url")
    if isinstance(url, list):
        url = next((item for item in url if isinstance(item, str)), "")
    if isinstance(url, dict):
        url = url.get("href")
    return _web(url)


def actor_from_document(document: dict, *, key_id: str) -> RemoteActor:
    """Keep what we need of an actor document whose key is `key_id`; refused (FetchError) when
    the document does not own that key or lives on another server than the key."""
    uri = document.get("id")
    key = document.get("publicKey")
    if isinstance(key, list):
        key = next(
            (item for item in key if isinstance(item, dict) and item.get("id") == key_id), None
        )
    if not isinstance(uri, str) or not _web(uri) or not isinstance(key, dict):
        raise fetcher.FetchError("not an actor with a key")
    if key.get("id") != key_id or key.get("owner") != uri or host_of(uri) != host_of(key_id):
        raise fetcher.FetchError("the key does not belong to this actor")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    values = {
        "domain": host_of(uri),
        "preferred_username": _text(document.get("preferredUsername"), 255),
        "name": _text(document.get("name"), 255),
        "profile_url": _profile_url(document),
        "inbox": _web(document.get("inbox")),
        "shared_inbox": _web(endpoints.get("sharedInbox")),
        "key_id": key_id,
        "public_key_pem": _pem(key.get("publicKeyPem")),
        "fetched_at": timezone.now(),
    }
    remote, _created = RemoteActor.objects.update_or_create(uri=uri, defaults=values)
    return remote


def fetch_key_owner(key_id: str) -> RemoteActor:
    """Fetch the key (Mastodon serves it inside the actor document, at the actor's address)."""
    document = get_json(urldefrag(key_id).url)
    if "publicKey" not in document and isinstance(document.get("owner"), str):
        if host_of(document["owner"]) != host_of(key_id):
            raise fetcher.FetchError("the key's owner lives on another server")
        document = get_json(document["owner"])
    return actor_from_document(document, key_id=key_id)


def kept_key_owner(key_id: str) -> RemoteActor | None:
    """The actor whose key we hold and that is fresh enough, without fetching."""
    fresh = timezone.now() - timedelta(seconds=conf.get("FEDIVERSE_ACTOR_CACHE_SECONDS"))
    return RemoteActor.objects.filter(
        key_id=key_id, fetched_at__gte=fresh, public_key_pem__gt=""
    ).first()
