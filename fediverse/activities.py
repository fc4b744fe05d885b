"""What a checked activity does: a Follow or its Undo, an actor deleting itself, a reply
created, edited or deleted (fediverse.replies). Called by the inbox task once the signature
is verified and the sender is the activity's actor."""

import re

from fediverse import actors, addresses, reactions, replies, services
from fediverse.models import LocalActor, RemoteActor

_ACTOR_PATH = re.compile(r"^(magazine|authors/[0-9]+)/?$")


def local_actor_of(uri) -> LocalActor | None:
    """Our actor an id names (switched-off ones are None: they cannot be followed)."""
    base = addresses.absolute("/fediverse/")
    if not isinstance(uri, str) or not uri.startswith(base):
        return None
    match = _ACTOR_PATH.match(uri[len(base) :])
    actor = actors.by_path(match.group(1)) if match else None
    return actor if actor is not None and actor.enabled else None


def _id_of(value):
    return value.get("id") if isinstance(value, dict) else value


def handle(remote: RemoteActor, activity: dict) -> str:
    """Act on the activity; returns what was done, for the record."""
    kind = activity.get("type")
    handler = HANDLERS.get(kind if isinstance(kind, str) else "")
    if handler is None:
        return f"ignored {kind}"
    return handler(remote, activity)


def _follow(remote: RemoteActor, activity: dict) -> str:
    actor = local_actor_of(_id_of(activity.get("object")))
    if actor is None:
        return "refused: not one of our actors"
    if not remote.inbox:
        return "refused: the follower has no inbox"
    services.follower_add(actor=actor, remote=remote, follow=activity)
    return "followed"


def _undo(remote: RemoteActor, activity: dict) -> str:
    undone = activity.get("object")
    if isinstance(undone, dict) and undone.get("type") in reactions.KINDS:
        if undone.get("actor") not in (None, remote.uri):
            return "refused: undoing someone else's reaction"
        return reactions.reaction_undo(remote, undone)
    if isinstance(undone, str):  # some servers name the Follow or the Like by its id only
        undone_reaction = reactions.reaction_undo_by_id(remote, undone)
        if undone_reaction is not None:
            return undone_reaction
        deleted = services.follower_remove_by_follow(remote=remote, follow_id=undone)
        return "unfollowed" if deleted else "ignored Undo"
    if not isinstance(undone, dict) or undone.get("type") != "Follow":
        return "ignored Undo"
    if undone.get("actor") not in (None, remote.uri):
        return "refused: undoing someone else's follow"
    actor = local_actor_of(_id_of(undone.get("object")))
    if actor is None:
        return "ignored Undo"
    services.follower_remove(remote=remote, actor=actor)
    return "unfollowed"


def _delete(remote: RemoteActor, activity: dict) -> str:
    deleted_reply = replies.reply_delete(remote, activity)
    if deleted_reply is not None:
        return deleted_reply
    if _id_of(activity.get("object")) == remote.uri:
        services.follower_remove(remote=remote)
        return "actor deleted"
    return "ignored Delete"


HANDLERS = {
    "Follow": _follow,
    "Undo": _undo,
    "Delete": _delete,
    "Create": replies.reply_create,
    "Update": replies.reply_update,
    "Like": reactions.reaction_add,
    "EmojiReact": reactions.reaction_add,
    "Announce": reactions.reaction_add,
}
