"""Likes and boosts of our articles, counted per article (the article's admin page shows the
counts; nobody's name is shown)."""

from django.db import IntegrityError, transaction

from fediverse import replies
from fediverse.models import Reaction, RemoteActor

# Pleroma's and Akkoma's emoji reaction counts as a like, as Misskey's (a Like with content) does.
KINDS = {
    "Like": Reaction.Kind.LIKE,
    "EmojiReact": Reaction.Kind.LIKE,
    "Announce": Reaction.Kind.BOOST,
}


def _object_id(value):
    return value.get("id") if isinstance(value, dict) else value


def reaction_add(remote: RemoteActor, activity: dict) -> str:
    kind = KINDS[activity["type"]]
    uri = _object_id(activity.get("object"))
    article = replies.article_of_uri(uri) if isinstance(uri, str) else None
    if article is None:
        return f"ignored {activity['type']}"
    activity_id = activity.get("id") if isinstance(activity.get("id"), str) else ""
    try:
        with transaction.atomic():
            Reaction.objects.create(
                article_id=article.pk, kind=kind, remote=remote, activity_id=activity_id[:500]
            )
    except IntegrityError:
        return "already counted"
    return f"{kind} counted"


def reaction_undo(remote: RemoteActor, undone: dict) -> str:
    kind = KINDS[undone["type"]]
    uri = _object_id(undone.get("object"))
    article = replies.article_of_uri(uri) if isinstance(uri, str) else None
    if article is None:
        return "ignored Undo"
    Reaction.objects.filter(article_id=article.pk, kind=kind, remote=remote).delete()
    return f"{kind} undone"


def reaction_undo_by_id(remote: RemoteActor, activity_id: str) -> str | None:
    """An Undo naming the Like or Announce by its id only (Mastodon has sent such, and
    Pleroma keeps one as a test fixture); None when the sender has no reaction by that id."""
    reaction = (
        Reaction.objects.filter(remote=remote, activity_id=activity_id[:500]).first()
        if activity_id
        else None
    )
    if reaction is None:
        return None
    reaction.delete()
    return f"{reaction.kind} undone"


def reaction_counts(article_pk: int) -> dict[str, int]:
    counts = dict.fromkeys(Reaction.Kind.values, 0)
    for kind in Reaction.objects.filter(article_id=article_pk).values_list("kind", flat=True):
        counts[kind] += 1
    return counts
