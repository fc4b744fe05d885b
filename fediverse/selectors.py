"""Reads other modules need: what an actor's outbox lists, how many follow it."""

from django.db.models import QuerySet

from blog.models import Article
from fediverse.models import Follower, LocalActor


def outbox_articles(actor: LocalActor) -> QuerySet[Article]:
    """The articles an actor has announced: all the magazine's, an author's own; public only."""
    articles = Article.objects.published()
    if actor.kind == LocalActor.Kind.AUTHOR:
        articles = articles.filter(author_id=actor.author_id)
    return articles.order_by("-publish_at", "-pk")


def follower_count(actor: LocalActor) -> int:
    return Follower.objects.filter(actor=actor, remote__blocked=False).count()
