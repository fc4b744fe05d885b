"""Writes that carry the fediverse's rules: follows, blocks, switching an actor off.
The inbox's task, the admin and tests call these."""

import hashlib

from django.db import transaction

from blog import content_version
from comments.models import Comment
from comments.privacy import anonymize_comments
from fediverse import addresses, delivery, documents
from fediverse.models import (
    BlockedDomain,
    Delivery,
    Follower,
    InboxItem,
    LocalActor,
    RemoteActor,
)


def follower_add(*, actor: LocalActor, remote: RemoteActor, follow: dict) -> Follower:
    """A remote actor follows one of ours: kept, and an Accept queued to its inbox."""
    follow_id = follow.get("id") if isinstance(follow.get("id"), str) else ""
    with transaction.atomic():
        follower, _created = Follower.objects.update_or_create(
            actor=actor, remote=remote, defaults={"follow_id": follow_id[:500]}
        )
        accept = accept_activity(actor=actor, remote=remote, follow=follow, follow_id=follow_id)
        delivery.delivery_queue(actor=actor, activity=accept, inboxes=[remote.inbox])
    return follower


def accept_activity(*, actor: LocalActor, remote: RemoteActor, follow: dict, follow_id: str):
    our_id = addresses.actor_id(actor)
    digest = hashlib.sha256(f"{remote.uri} {follow_id}".encode()).hexdigest()[:24]
    return {
        "@context": documents.ACTIVITY_CONTEXT,
        "id": f"{our_id}#accepts/{digest}",
        "type": "Accept",
        "actor": our_id,
        "object": {"id": follow_id, "type": "Follow", "actor": remote.uri, "object": our_id},
    }


def follower_remove(*, remote: RemoteActor, actor: LocalActor | None = None) -> int:
    """Undo of a follow (one actor), or every follow of the remote actor (actor None)."""
    follows = Follower.objects.filter(remote=remote)
    if actor is not None:
        follows = follows.filter(actor=actor)
    deleted, _ = follows.delete()
    return deleted


def follower_remove_by_follow(*, remote: RemoteActor, follow_id: str) -> int:
    deleted, _ = Follower.objects.filter(remote=remote, follow_id=follow_id).delete()
    return deleted


def remote_actor_block(*, remote: RemoteActor) -> RemoteActor:
    """Refuse everything from this actor from now on; it follows no one here any more."""
    with transaction.atomic():
        remote.blocked = True
        remote.save(update_fields=["blocked", "updated"])
        Follower.objects.filter(remote=remote).delete()
    return remote


def remote_actor_unblock(*, remote: RemoteActor) -> RemoteActor:
    remote.blocked = False
    remote.save(update_fields=["blocked", "updated"])
    return remote


def domain_block(*, domain: str, note: str = "") -> BlockedDomain:
    """Refuse everything from a server; its actors follow no one here any more."""
    domain = domain.strip().lower().rstrip(".")
    with transaction.atomic():
        blocked, _created = BlockedDomain.objects.update_or_create(
            domain=domain, defaults={"note": note[:300]}
        )
        Follower.objects.filter(remote__domain=domain).delete()
    return blocked


def is_domain_blocked(domain: str) -> bool:
    return BlockedDomain.objects.filter(domain=domain.strip().lower().rstrip(".")).exists()


def local_actor_set_enabled(*, actor: LocalActor, enabled: bool) -> LocalActor:
    """An editor switches an actor on or off (its documents answer 410, nothing is delivered).
    The article and author pages show its handle only while it is on: the blog's content
    version moves, so no page is kept or validated with the handle it had."""
    with transaction.atomic():
        changed = LocalActor.objects.filter(pk=actor.pk).exclude(enabled=enabled).exists()
        actor.enabled = enabled
        actor.save(update_fields=["enabled", "updated"])
        if changed:
            content_version.content_changed()
    return actor


def remote_actor_erase(*, remote: RemoteActor) -> int:
    """Erase what we keep of a remote author: their replies are anonymized as any erased
    commenter's (the threads keep their shape), their follows, likes and boosts, the activities
    they signed still kept as received, the deliveries to their own inbox (our replies to them
    name them) and the actor itself removed. Returns how many comments were anonymized."""
    with transaction.atomic():
        comments = Comment.objects.filter(fediverse_note__remote=remote)
        anonymized = anonymize_comments(
            Comment.objects.filter(pk__in=list(comments.values_list("pk", flat=True)))
        )
        if remote.key_id:
            InboxItem.objects.filter(key_id=remote.key_id).delete()
        if remote.inbox:
            Delivery.objects.filter(inbox=remote.inbox).delete()
        remote.delete()  # with its follows, notes and reactions
    return anonymized
