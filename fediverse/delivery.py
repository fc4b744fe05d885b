"""Queueing activities for delivery: one Delivery row per activity and inbox (the unique
constraint makes a second queueing of the same activity a no-op), sent after commit."""

from django.db import transaction

from fediverse import tasks
from fediverse.models import Delivery, Follower, LocalActor


def delivery_queue(*, actor: LocalActor, activity: dict, inboxes) -> int:
    """Queue the activity to each inbox it has not been queued to yet; returns how many."""
    inboxes = sorted({inbox for inbox in inboxes if inbox})
    if not actor.enabled or not inboxes:
        return 0
    activity_id = activity["id"]
    already = set(
        Delivery.objects.filter(activity_id=activity_id, inbox__in=inboxes).values_list(
            "inbox", flat=True
        )
    )
    rows = [
        Delivery(actor=actor, activity_id=activity_id, inbox=inbox, payload=activity)
        for inbox in inboxes
        if inbox not in already
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    pks = list(
        Delivery.objects.filter(
            activity_id=activity_id,
            inbox__in=[row.inbox for row in rows],
            status=Delivery.Status.QUEUED,
            attempts=0,
        ).values_list("pk", flat=True)
    )

    def enqueue_all():
        with transaction.atomic():  # one commit for the whole batch of queued tasks
            for pk in pks:
                tasks.enqueue(pk)

    transaction.on_commit(enqueue_all)
    return len(pks)


def follower_inboxes(actor: LocalActor) -> list[str]:
    """One inbox per server where it has one (the shared inbox), else each follower's own."""
    rows = Follower.objects.filter(actor=actor, remote__blocked=False).values_list(
        "remote__shared_inbox", "remote__inbox"
    )
    return sorted({shared or own for shared, own in rows if shared or own})
