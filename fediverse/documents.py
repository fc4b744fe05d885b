"""The JSON documents we serve: WebFinger, NodeInfo, actors, collections, articles, activities.

Shaped as Mastodon reads them (docs.joinmastodon.org/spec/activitypub); no email, ever.
"""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from blog.models import Article
from core.sanitizer import strip_all_tags
from fediverse import actors, addresses
from fediverse.addresses import PUBLIC, absolute
from fediverse.models import LocalActor

ACTIVITY_CONTEXT = "https://www.w3.org/ns/activitystreams"
# An article's context: Hashtag and sensitive are not in ActivityStreams' own context (Mastodon
# adds them the same way); without them a JSON-LD reader such as Fedify drops the tags.
ARTICLE_CONTEXT = [
    ACTIVITY_CONTEXT,
    {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"},
]
ACTOR_CONTEXT = [
    ACTIVITY_CONTEXT,
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
    },
]


def iso(moment) -> str:
    return timezone.localtime(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def handle(actor: LocalActor) -> str:
    return f"{actors.username_of(actor)}@{addresses.domain()}"


def profile_page(actor: LocalActor) -> str:
    if actor.kind == LocalActor.Kind.MAGAZINE:
        return absolute(reverse("blog:home"))
    return absolute(actor.author.get_absolute_url())


def webfinger(actor: LocalActor) -> dict:
    actor_url = addresses.actor_id(actor)
    page = profile_page(actor)
    return {
        "subject": f"acct:{handle(actor)}",
        "aliases": [actor_url, page],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_url},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
        ],
    }


def _icon(actor: LocalActor) -> dict | None:
    if actor.kind != LocalActor.Kind.AUTHOR or not actor.author.avatar:
        return None
    return {"type": "Image", "url": absolute(actor.author.avatar.url)}


def actor_document(actor: LocalActor) -> dict:
    actor_url = addresses.actor_id(actor)
    if actor.kind == LocalActor.Kind.MAGAZINE:
        kind, name, summary = "Organization", settings.SITE_NAME, ""
    else:
        kind, name = "Person", actor.author.display_name
        summary = strip_all_tags(actor.author.bio)
    document = {
        "@context": ACTOR_CONTEXT,
        "id": actor_url,
        "type": kind,
        "preferredUsername": actors.username_of(actor),
        "name": name,
        "summary": summary,
        "url": profile_page(actor),
        "inbox": addresses.actor_collection(actor, "inbox"),
        "outbox": addresses.actor_collection(actor, "outbox"),
        "followers": addresses.actor_collection(actor, "followers"),
        "endpoints": {"sharedInbox": addresses.shared_inbox()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": iso(actor.created),
        "publicKey": {
            "id": addresses.key_id(actor),
            "owner": actor_url,
            "publicKeyPem": actor.public_key_pem,
        },
    }
    icon = _icon(actor)
    if icon:
        document["icon"] = icon
    return document


def corrections_html(article: Article) -> str:
    """The article's corrections and updates as its page lists them, after the body: a
    correction reaches followers as an Update of the article (fediverse.publishing)."""
    corrections = list(article.corrections.order_by("created", "pk"))
    if not corrections:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        items = format_html_join(
            "",
            "<li><strong>{}</strong>, {}: {}</li>",
            (
                (
                    correction.get_kind_display(),
                    date_format(timezone.localtime(correction.created), "DATETIME_FORMAT"),
                    correction.text,
                )
                for correction in corrections
            ),
        )
        return format_html("<h2>{}</h2><ul>{}</ul>", gettext("Corrections and updates"), items)


def article_object(article: Article, actor: LocalActor) -> dict:
    """The article as an ActivityStreams Article, attributed to the actor that announces it."""
    summary = article.seo_description or strip_all_tags(article.lead)
    content = article.body + corrections_html(article)  # the body: the sanitizer's stored HTML
    document = {
        "id": addresses.article_id(article.pk),
        "type": "Article",
        "attributedTo": addresses.actor_id(actor),
        "name": article.title,
        "summary": summary,
        "content": content,
        "contentMap": {settings.LANGUAGE_CODE: content},
        "url": absolute(article.get_absolute_url()),
        "published": iso(article.publish_at),
        "updated": iso(article.updated),
        "to": [PUBLIC],
        "cc": [addresses.actor_collection(actor, "followers")],
        "sensitive": False,
        "tag": [
            {"type": "Hashtag", "href": absolute(tag.get_absolute_url()), "name": f"#{tag.slug}"}
            for tag in article.tags.all()
        ],
    }
    if article.cover:
        document["image"] = {
            "type": "Image",
            "url": absolute(article.cover.url),
            "name": article.cover_alt,
        }
    return document


def create_activity(article: Article, actor: LocalActor) -> dict:
    article_doc = article_object(article, actor)
    return {
        "@context": ARTICLE_CONTEXT,
        "id": f"{article_doc['id']}#create-{actor.pk}",
        "type": "Create",
        "actor": addresses.actor_id(actor),
        "published": article_doc["published"],
        "to": article_doc["to"],
        "cc": article_doc["cc"],
        "object": article_doc,
    }


def ordered_collection(collection_id: str, total: int, *, paged: bool) -> dict:
    document = {
        "@context": ACTIVITY_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if paged:
        document["first"] = f"{collection_id}?page=1"
    return document


def collection_page(
    collection_id: str, number: int, items: list, *, has_next: bool, total: int
) -> dict:
    document = {
        "@context": ACTIVITY_CONTEXT,
        "id": f"{collection_id}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "totalItems": total,
        "orderedItems": items,
    }
    if has_next:
        document["next"] = f"{collection_id}?page={number + 1}"
    if number > 1:
        document["prev"] = f"{collection_id}?page={number - 1}"
    return document


def nodeinfo_links() -> dict:
    return {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": absolute(reverse("fediverse:nodeinfo")),
            }
        ]
    }


def nodeinfo(*, users: int, posts: int) -> dict:
    return {
        "version": "2.1",
        # A semantic version (major.minor.patch): Fedify's NodeInfo reader refuses "1.0".
        "software": {"name": "rivista", "version": "1.0.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users}, "localPosts": posts},
        "metadata": {"nodeName": settings.SITE_NAME},
    }
