"""WebFinger, NodeInfo, our actors and their collections, our articles as objects.

Nothing here fetches anything remote; the inboxes (inbox.py) only store what they are sent
and leave the rest to a task.
"""

import json

from django.core.paginator import InvalidPage, Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from blog.models import Article, visible_condition
from comments.models import Comment
from fediverse import actors, addresses, conf, documents, replies_out, selectors
from fediverse.models import LocalActor, RemoteNote

ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
NODEINFO_JSON = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'


def require_enabled() -> None:
    if not conf.get("FEDIVERSE_ENABLED"):
        raise Http404


def wants_activity_json(request) -> bool:
    """Content negotiation as Mastodon asks: application/activity+json, or application/ld+json
    (with the ActivityStreams profile, or any)."""
    accept = request.headers.get("Accept", "")
    return "application/activity+json" in accept or "application/ld+json" in accept


def json_answer(document: dict, *, content_type: str = ACTIVITY_JSON, status: int = 200):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type=content_type, status=status
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def gone() -> HttpResponse:
    return HttpResponse(status=410)


def actor_or_404(who: str) -> LocalActor:
    require_enabled()
    actor = actors.by_path(who)
    if actor is None:
        raise Http404
    return actor


@require_safe
def webfinger(request):
    require_enabled()
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return HttpResponseBadRequest("resource is required")
    actor = _actor_of_resource(resource)
    if actor is None or not actor.enabled:
        raise Http404
    return json_answer(documents.webfinger(actor), content_type=JRD_JSON)


def _actor_of_resource(resource: str) -> LocalActor | None:
    if resource.lower().startswith("acct:"):
        username, _, host = resource[5:].lstrip("@").rpartition("@")
        if not username or host.lower() != addresses.domain():
            return None
        return actors.by_username(username)
    base = addresses.absolute("/fediverse/")
    if resource.startswith(base):
        who = resource[len(base) :].strip("/")
        if who == "magazine" or (who.startswith("authors/") and who[8:].isdigit()):
            return actors.by_path(who)
    return None


@require_safe
def nodeinfo_links(request):
    require_enabled()
    return json_answer(documents.nodeinfo_links(), content_type="application/json")


@require_safe
def nodeinfo(request):
    require_enabled()
    document = documents.nodeinfo(
        users=actors.public_authors().count() + 1,
        posts=Article.objects.published().count(),
    )
    return json_answer(document, content_type=NODEINFO_JSON)


@require_safe
def actor(request, who: str):
    actor = actor_or_404(who)
    if not wants_activity_json(request):
        response = HttpResponseRedirect(documents.profile_page(actor))
    elif not actor.enabled:
        response = gone()
    else:
        response = json_answer(documents.actor_document(actor))
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def outbox(request, who: str):
    actor = actor_or_404(who)
    if not actor.enabled:
        return gone()
    collection_id = addresses.actor_collection(actor, "outbox")
    articles = selectors.outbox_articles(actor).select_related("author").prefetch_related("tags")
    paginator = Paginator(articles, conf.get("FEDIVERSE_PAGE_SIZE"))
    if "page" not in request.GET:
        return json_answer(documents.ordered_collection(collection_id, paginator.count, paged=True))
    try:
        page = paginator.page(request.GET["page"])
    except InvalidPage:
        raise Http404 from None
    items = [documents.create_activity(article, actor) for article in page]
    return json_answer(
        documents.collection_page(
            collection_id, page.number, items, has_next=page.has_next(), total=paginator.count
        )
    )


@require_safe
def followers(request, who: str):
    """How many follow the actor; who they are is not published."""
    actor = actor_or_404(who)
    if not actor.enabled:
        return gone()
    collection_id = addresses.actor_collection(actor, "followers")
    count = selectors.follower_count(actor)
    return json_answer(documents.ordered_collection(collection_id, count, paged=False))


@require_safe
def article(request, pk: int):
    """An article as an object, announced by the magazine: for peers that fetch it by its id."""
    require_enabled()
    found = get_object_or_404(Article.objects.published().select_related("author"), pk=pk)
    if not wants_activity_json(request):
        return HttpResponseRedirect(found.get_absolute_url())
    magazine = actors.magazine_actor()
    if not magazine.enabled:
        return gone()
    document = {"@context": documents.ARTICLE_CONTEXT, **documents.article_object(found, magazine)}
    response = json_answer(document)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def comment(request, pk: int):
    """An approved comment on a published article as a Note from the magazine: the id of the
    replies we send back to the fediverse."""
    require_enabled()
    found = get_object_or_404(
        Comment.objects.filter(status=Comment.Status.APPROVED).filter(
            visible_condition("article__")
        ),
        pk=pk,
    )
    if not wants_activity_json(request):
        return HttpResponseRedirect(found.get_absolute_url())
    magazine = actors.magazine_actor()
    if not magazine.enabled:
        return gone()
    note = RemoteNote.objects.select_related("remote").filter(comment_id=found.parent_id).first()
    document = {
        "@context": documents.ACTIVITY_CONTEXT,
        **replies_out.note_of(found, note, magazine),
    }
    response = json_answer(document)
    patch_vary_headers(response, ["Accept"])
    return response
