"""Reads other modules need: what an actor's outbox lists, how many follow it."""

from django.db.models import QuerySet

from blog.models import Article
from fediverse.models import Follower, InboxItem, LocalActor, RemoteActor, RemoteNote


def outbox_articles(actor: LocalActor) -> QuerySet[Article]:
    """The articles an actor has announced: all the magazine's, an author's own; public only."""
    articles = Article.objects.published()
    if actor.kind == LocalActor.Kind.AUTHOR:
        articles = articles.filter(author_id=actor.author_id)
    return articles.order_by("-publish_at", "-pk")


def follower_count(actor: LocalActor) -> int:
    return Follower.objects.filter(actor=actor, remote__blocked=False).count()


def remote_actor_export(remote: RemoteActor) -> dict:
    """Everything we keep about a remote author, for their request (no key, nothing of ours)."""
    notes = RemoteNote.objects.filter(remote=remote).select_related("comment__article")
    return {
        "actor": remote.uri,
        "username": remote.preferred_username,
        "name": remote.name,
        "profile": remote.profile_url,
        "server": remote.domain,
        "blocked": remote.blocked,
        "follows": [str(follow.actor) for follow in remote.follows.select_related("actor__author")],
        "replies": [
            {
                "note": note.uri,
                "article": note.comment.article.title,
                "text": note.comment.body,
                "status": note.comment.status,
                "received": note.created.isoformat(),
            }
            for note in notes
        ],
        "reactions": list(remote.reactions.values("kind", "article_id")),
        # Activities they signed, kept as received until handled and a few days after.
        "activities_received": [
            {"received": item.created.isoformat(), "activity": item.body}
            for item in InboxItem.objects.filter(key_id=remote.key_id).only("created", "body")
        ]
        if remote.key_id
        else [],
    }
