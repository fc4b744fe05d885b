"""Articles out to followers: Create on going live, Update on an edit, Delete on unpublishing;
one signed delivery per activity and server, retried with backoff, never sent twice."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from blog import services as blog_services
from blog.models import Article
from fediverse import actors, fetcher, publishing, services, tasks
from fediverse.models import Delivery, Follower, RemoteActor
from tests.factories import make_article, make_author, make_tag, make_user

from .conftest import SITE

pytestmark = pytest.mark.django_db

SHARED = "https://social.example/inbox"
OTHER = "https://other.example/users/carla/inbox"


@pytest.fixture
def followers(network):
    """Two followers of the magazine on social.example (one shared inbox), one elsewhere."""
    magazine = actors.magazine_actor()
    for name in ("alice", "bob"):
        remote = RemoteActor.objects.create(
            uri=f"https://social.example/users/{name}",
            domain="social.example",
            inbox=f"https://social.example/users/{name}/inbox",
            shared_inbox=SHARED,
        )
        Follower.objects.create(actor=magazine, remote=remote)
    carla = RemoteActor.objects.create(
        uri="https://other.example/users/carla", domain="other.example", inbox=OTHER
    )
    Follower.objects.create(actor=magazine, remote=carla)
    network.routes[SHARED] = fetcher.Response(status=202)
    network.routes[OTHER] = fetcher.Response(status=200)
    return magazine


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs what the block queued after commit (syncs, deliveries)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def activities_to(network, inbox):
    return [json.loads(request["body"]) for request in network.posts_to(inbox)]


def _publish(commit, **extra):
    editor = make_user(groups=["Editors"])
    with commit():
        article = make_article(status=Article.Status.DRAFT, **extra)
    with commit():
        blog_services.article_publish(article=article, user=editor)
    return article, editor


def test_publishing_sends_one_create_per_server(network, followers, commit):
    article, _ = _publish(
        commit, title="Il clima", lead="<p>Che cosa cambia.</p>", tags=[make_tag(slug="clima")]
    )

    [create] = activities_to(network, SHARED)
    assert activities_to(network, OTHER) == [create]
    assert create["type"] == "Create"
    assert create["actor"] == f"{SITE}/fediverse/magazine/"
    document = create["object"]
    assert document["type"] == "Article"
    assert document["name"] == "Il clima"
    assert document["summary"] == "Che cosa cambia."
    assert document["url"] == SITE + Article.objects.get(pk=article.pk).get_absolute_url()
    assert document["tag"][0]["name"] == "#clima"
    assert list(document["contentMap"]) == ["it"]
    assert "https://www.w3.org/ns/activitystreams#Public" in create["to"]
    assert "Signature" in network.posts_to(SHARED)[0]["headers"]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2


def test_the_author_announces_to_their_own_followers(network, commit):
    author = make_author(slug="anna")
    remote = RemoteActor.objects.create(
        uri="https://social.example/users/dora", domain="social.example", inbox=SHARED
    )
    Follower.objects.create(actor=actors.author_actor(author), remote=remote)
    network.routes[SHARED] = fetcher.Response(status=202)

    _publish(commit, author=author)

    [create] = activities_to(network, SHARED)
    assert create["actor"] == f"{SITE}/fediverse/authors/{author.pk}/"
    assert create["object"]["attributedTo"] == create["actor"]


def test_a_save_that_changes_nothing_sends_nothing_and_an_edit_sends_one_update(
    network, followers, commit
):
    article, _ = _publish(commit)
    with commit():
        Article.objects.get(pk=article.pk).save()
    assert len(activities_to(network, SHARED)) == 1

    with commit():
        article = Article.objects.get(pk=article.pk)
        article.title = "Titolo corretto"
        article.save()
    with commit():
        article.save()  # the same content again

    create, update = activities_to(network, SHARED)
    assert update["type"] == "Update"
    assert update["object"]["id"] == create["object"]["id"]
    assert update["object"]["name"] == "Titolo corretto"


def test_a_correction_sends_an_update_carrying_it_and_so_does_its_edit(network, followers, commit):
    article, editor = _publish(commit, body="<p>Il ponte fu aperto nel 1931.</p>")
    with commit():
        correction = blog_services.correction_add(
            article=Article.objects.get(pk=article.pk),
            kind="correction",
            text="Il ponte fu aperto nel 1932, non nel 1931.",
            user=editor,
        )
    with commit():
        correction.text = "Il ponte fu aperto nel 1932 (non nel 1931)."
        correction.save()  # edited in its admin: the article itself is not saved
    with commit():
        correction.save()  # the same text again

    create, update, edited = activities_to(network, SHARED)
    assert update["type"] == edited["type"] == "Update"
    assert "1932, non nel 1931" in update["object"]["content"]
    assert "Il ponte fu aperto nel 1931." in update["object"]["content"]  # the body stays
    assert "Rettifica" in update["object"]["content"]  # in the site's language
    assert "1932 (non nel 1931)" in edited["object"]["contentMap"]["it"]
    assert "1932" not in create["object"]["content"]


def test_unpublishing_sends_delete_with_a_tombstone(network, followers, commit):
    article, editor = _publish(commit)

    with commit():
        blog_services.article_unpublish(article=article, user=editor)

    create, delete = activities_to(network, SHARED)
    assert delete["type"] == "Delete"
    assert delete["object"] == {"id": create["object"]["id"], "type": "Tombstone"}


def test_a_deleted_article_sends_delete(network, followers, commit):
    article, _ = _publish(commit)

    with commit():
        Article.objects.get(pk=article.pk).delete()

    assert [activity["type"] for activity in activities_to(network, OTHER)] == ["Create", "Delete"]


def test_a_draft_is_never_sent(network, followers, commit):
    with commit():
        make_article(status=Article.Status.DRAFT, title="Bozza")

    assert not network.sent


def test_a_scheduled_article_goes_out_when_it_goes_live(network, followers, commit):
    later = timezone.now() + timedelta(hours=2)
    with commit():
        article = make_article(publish_at=later)
    assert not network.sent

    with time_machine.travel(later + timedelta(minutes=1), tick=False), commit():
        assert publishing.sweep_unannounced() == 1  # what a starting worker does

    [create] = activities_to(network, SHARED)
    assert create["object"]["name"] == article.title


def test_an_imported_old_article_is_not_announced(network, followers, commit):
    with commit():
        make_article(publish_at=timezone.now() - timedelta(days=400))

    assert not network.sent


def test_a_switched_off_actor_delivers_nothing(network, followers, commit):
    services.local_actor_set_enabled(actor=followers, enabled=False)

    _publish(commit)

    assert not network.sent
    assert not Delivery.objects.exists()


def test_a_server_that_is_down_is_retried_with_growing_delays(network, followers, commit, settings):
    settings.FEDIVERSE_DELIVERY_MAX_ATTEMPTS = 3
    network.routes[SHARED] = fetcher.Response(status=503)
    _publish(commit)
    delivery = Delivery.objects.get(inbox=SHARED)
    first_wait = delivery.next_attempt_at - delivery.updated

    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert tasks.deliver.call(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - delivery.updated
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert tasks.deliver.call(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3
    assert round(first_wait.total_seconds()) == 60
    assert round(second_wait.total_seconds()) == 120
    assert len(network.posts_to(SHARED)) == 3 * 2  # a 5xx from a server of unknown scheme:
    # each attempt knocks with RFC 9421, then draft-cavage (fediverse.outgoing)


def test_a_delivery_is_not_tried_again_before_its_time(network, followers, commit):
    network.routes[SHARED] = fetcher.Response(status=500)
    _publish(commit)
    delivery = Delivery.objects.get(inbox=SHARED)

    assert tasks.deliver.call(delivery.pk) == "skipped"
    assert len(network.posts_to(SHARED)) == 2  # one attempt, knocking with both schemes


def test_a_gone_inbox_is_not_retried(network, followers, commit):
    network.routes[OTHER] = fetcher.Response(status=410)

    _publish(commit)

    delivery = Delivery.objects.get(inbox=OTHER)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None


def test_nothing_is_sent_twice(network, followers, commit):
    article, _ = _publish(commit)
    delivery = Delivery.objects.get(inbox=SHARED)

    with commit():
        publishing.article_sync(article.pk)
        create = next(iter(activities_to(network, SHARED)))
        from fediverse import delivery as delivery_module

        again = delivery_module.delivery_queue(
            actor=followers, activity=create, inboxes=[SHARED, OTHER]
        )

    assert again == 0
    assert tasks.deliver.call(delivery.pk) == "skipped"
    assert len(network.posts_to(SHARED)) == 1
    assert Delivery.objects.count() == 2


def test_an_inbox_on_a_private_address_is_never_posted_to(network, commit):
    network.addresses["intranet.example"] = ["192.168.0.10"]
    remote = RemoteActor.objects.create(
        uri="https://intranet.example/users/x",
        domain="intranet.example",
        inbox="https://intranet.example/inbox",
    )
    Follower.objects.create(actor=actors.magazine_actor(), remote=remote)

    _publish(commit)

    assert not network.sent
    assert Delivery.objects.get().status == Delivery.Status.FAILED
