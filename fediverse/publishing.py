"""Articles out to followers: Create when an article goes live (published now, or its scheduled
time comes), Update when what followers see of it changes (an edit, a correction), Delete when
it is unpublished or deleted.

Blog knows nothing of this: a post_save/post_delete receiver (fediverse.signals) queues
`article_sync` after commit, deferred to publish_at for a scheduled article, and every worker
that starts sweeps for articles gone live that were never announced. `article_sync` compares the
article with its FederatedArticle row under a lock, so however often it runs an article is
announced once per change, and each activity goes once to each inbox (delivery.delivery_queue).
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from blog.models import Article
from core import after_commit
from core.signals import worker_started
from fediverse import actors, addresses, conf, delivery, documents
from fediverse.addresses import PUBLIC
from fediverse.models import FederatedArticle, LocalActor

logger = logging.getLogger(__name__)

# Articles that went live longer ago than this are never announced: a worker that starts looks
# this far back for articles never announced, and an import of old articles floods no one.
SWEEP_DAYS = 7


def _fingerprint(article: Article) -> str:
    """What followers see of an article, hashed: a save that changes none of it sends nothing."""
    seen = [
        article.title,
        article.lead,
        article.body,
        article.seo_description,
        article.cover.name if article.cover else "",
        article.cover_alt,
        article.get_absolute_url(),
        sorted(article.tags.values_list("slug", flat=True)),
        list(article.corrections.order_by("created", "pk").values_list("kind", "text")),
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()


def _send(actor: LocalActor, activity: dict) -> int:
    return delivery.delivery_queue(
        actor=actor, activity=activity, inboxes=delivery.follower_inboxes(actor)
    )


def _update_activity(article: Article, actor: LocalActor, fingerprint: str) -> dict:
    create = documents.create_activity(article, actor)
    return {
        **create,
        "id": f"{create['object']['id']}#update-{actor.pk}-{fingerprint[:16]}",
        "type": "Update",
        "published": documents.iso(timezone.now()),
    }


def _delete_activity(article_pk: int, actor: LocalActor, generation: str) -> dict:
    object_id = addresses.article_id(article_pk)
    return {
        "@context": documents.ACTIVITY_CONTEXT,
        "id": f"{object_id}#delete-{actor.pk}-{generation[:16]}",
        "type": "Delete",
        "actor": addresses.actor_id(actor),
        "to": [PUBLIC],
        "cc": [addresses.actor_collection(actor, "followers")],
        "object": {"id": object_id, "type": "Tombstone"},
    }


def article_sync(article_pk: int) -> str:
    """Tell followers what changed about one article since they were last told."""
    if not conf.get("FEDIVERSE_ENABLED"):
        return "off"
    with transaction.atomic():
        article = Article.objects.published().select_related("author").filter(pk=article_pk).first()
        if article is None:
            record = FederatedArticle.objects.select_for_update().filter(article_id=article_pk)
            record = record.first()
            return _withdraw(record) if record is not None else "not out there"
        record, _created = FederatedArticle.objects.select_for_update().get_or_create(
            article_id=article_pk
        )
        fingerprint = _fingerprint(article)
        if not record.live:
            if article.publish_at < timezone.now() - timedelta(days=SWEEP_DAYS):
                return "too old to announce"  # an import of old articles floods no one
            return _announce(record, article, fingerprint)
        if fingerprint != record.fingerprint:
            return _update(record, article, fingerprint)
    return "unchanged"


def _announce(record: FederatedArticle, article: Article, fingerprint: str) -> str:
    senders = actors.actors_of_article(article)
    for actor in senders:
        _send(actor, documents.create_activity(article, actor))
    record.live = True
    record.actor_ids = [actor.pk for actor in senders]
    record.fingerprint = fingerprint
    record.save()
    return "created"


def _update(record: FederatedArticle, article: Article, fingerprint: str) -> str:
    for actor in LocalActor.objects.filter(pk__in=record.actor_ids, enabled=True):
        _send(actor, _update_activity(article, actor, fingerprint))
    record.fingerprint = fingerprint
    record.save()
    return "updated"


def _withdraw(record: FederatedArticle) -> str:
    if not record.live:
        return "not out there"
    for actor in LocalActor.objects.filter(pk__in=record.actor_ids, enabled=True):
        _send(actor, _delete_activity(record.article_id, actor, record.fingerprint))
    record.live = False
    record.save()
    return "deleted"


@task()
def sync_article(article_pk: int) -> str:
    return article_sync(article_pk)


def queue_sync(article_pk: int, *, run_after=None) -> None:
    """After commit: the article's sync now, and for a scheduled one again when it goes live.
    Gathered per transaction: an import saving 20,000 articles queues one sync each, once."""
    after_commit.gather("fediverse.sync", (article_pk, run_after), _enqueue_syncs)


def _enqueue_syncs(wanted: set) -> None:
    for article_pk in sorted({pk for pk, _ in wanted}):
        sync_article.enqueue(article_pk)
    if not sync_article.get_backend().supports_defer:
        return
    for article_pk, run_after in sorted(
        (pair for pair in wanted if pair[1] is not None), key=lambda pair: pair[0]
    ):
        sync_article.using(run_after=run_after + timedelta(seconds=1)).enqueue(article_pk)


def sweep_unannounced() -> int:
    """Articles gone live lately that were never announced (a deferred sync lost with its
    backend, a worker down at the time): queue their sync."""
    since = timezone.now() - timedelta(days=SWEEP_DAYS)
    announced = FederatedArticle.objects.filter(live=True).values("article_id")
    missing = (
        Article.objects.published()
        .filter(publish_at__gte=since)
        .exclude(pk__in=announced)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in missing.iterator():
        sync_article.enqueue(pk)
        count += 1
    return count


@receiver(worker_started, dispatch_uid="fediverse.sweep_unannounced")
def _sweep_on_worker_start(sender, **kwargs):
    if conf.get("FEDIVERSE_ENABLED"):
        swept = sweep_unannounced()
        if swept:
            logger.info("Fediverse: %s articles gone live queued for announcement", swept)
