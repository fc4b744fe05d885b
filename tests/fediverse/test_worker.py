"""With the production queue (the database) and the worker: the inbox answers before anything
is fetched, and the worker does the fetching, the checking, the Accept and the deliveries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from blog import services as blog_services
from blog.models import Article
from fediverse.models import Delivery, Follower, InboxItem
from tests.conftest import run_worker
from tests.factories import make_article, make_user

from .conftest import REMOTE, SITE, follow_activity, post_activity, publish_remote_actor

pytestmark = pytest.mark.slow


def test_follow_then_publish_through_the_worker(client, network, database_tasks):
    alice = publish_remote_actor(network)

    response = post_activity(
        client, "/fediverse/magazine/inbox/", follow_activity(f"{SITE}/fediverse/magazine/")
    )

    assert response.status_code == 202
    assert not network.sent  # nothing fetched while the request was answered
    assert InboxItem.objects.get().status == InboxItem.Status.RECEIVED

    run_worker()

    assert Follower.objects.get().remote.uri == alice["id"]
    [accept] = network.posts_to(alice["inbox"])
    assert json.loads(accept["body"])["type"] == "Accept"

    article = make_article(
        status=Article.Status.DRAFT, publish_at=timezone.now() - timedelta(hours=1)
    )
    # A superuser, not the Editors group: a flush by an earlier transactional test takes
    # the groups the data migrations made.
    blog_services.article_publish(article=article, user=make_user(is_superuser=True))
    assert not network.posts_to(f"{REMOTE}/inbox")  # queued, not sent in the editor's request

    run_worker()

    [create] = network.posts_to(f"{REMOTE}/inbox")
    assert json.loads(create["body"])["type"] == "Create"
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}

    run_worker()  # a second pass sends nothing again
    assert len(network.posts_to(f"{REMOTE}/inbox")) == 1
