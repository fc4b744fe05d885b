"""Payloads shaped as Pleroma/Akkoma and Misskey send them (written from their documentation and
what they publish; the signatures are ours, made with test keys)."""

import pytest

from comments.models import Comment
from fediverse.models import Follower
from tests.factories import make_article

from .conftest import SITE, publish_remote_actor

pytestmark = pytest.mark.django_db

MAGAZINE = f"{SITE}/fediverse/magazine/"


def misskey_actor(network):
    """Misskey: opaque ids under /users/, an Image icon, the key inside the actor."""
    document = publish_remote_actor(network, "9abcdef", host="https://misskey.example")
    document.update(
        type="Person",
        preferredUsername="carla",
        name="Carla :misskey_emoji:",
        url="https://misskey.example/@carla",
        _misskey_summary="lettrice",
        isCat=False,
    )
    return document


def test_a_pleroma_follow_and_its_undo_naming_the_follow_by_id(network, post):
    publish_remote_actor(network, "dora", host="https://pleroma.example")
    actor = "https://pleroma.example/users/dora"
    follow = {
        "@context": ["https://www.w3.org/ns/activitystreams", {"@language": "und"}],
        "id": "https://pleroma.example/activities/6f2c1d2e",
        "type": "Follow",
        "actor": actor,
        "object": MAGAZINE,
        "state": "pending",
        "to": [MAGAZINE],
        "cc": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    options = {"username": "dora", "host": "https://pleroma.example"}
    post("/fediverse/inbox/", follow, **options)
    assert Follower.objects.get().remote.uri == actor

    post(
        "/fediverse/inbox/",
        {
            "id": "https://pleroma.example/activities/undo-1",
            "type": "Undo",
            "actor": actor,
            "object": "https://pleroma.example/activities/6f2c1d2e",
        },
        **options,
    )

    assert not Follower.objects.exists()


def test_a_misskey_reply_becomes_a_held_comment(network, post):
    misskey_actor(network)
    article = make_article()
    actor = "https://misskey.example/users/9abcdef"
    note = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": "https://misskey.example/notes/9k2m/activity",
        "actor": actor,
        "type": "Create",
        "published": "2026-12-07T10:00:00.000Z",
        "object": {
            "id": "https://misskey.example/notes/9k2m",
            "type": "Note",
            "attributedTo": actor,
            "content": '<p><a href="https://rivista.example/@redazione" class="u-url mention">'
            "@redazione@rivista.example</a> bell'articolo</p>",
            "_misskey_content": "@redazione@rivista.example bell'articolo",
            "source": {
                "content": "@redazione@rivista.example bell'articolo",
                "mediaType": "text/x.misskeymarkdown",
            },
            "published": "2026-12-07T10:00:00.000Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [f"{actor}/followers"],
            "inReplyTo": f"{SITE}/fediverse/articles/{article.pk}/",
            "attachment": [],
            "sensitive": False,
            "tag": [{"type": "Mention", "href": MAGAZINE, "name": "@redazione@rivista.example"}],
        },
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{actor}/followers"],
    }

    post("/fediverse/inbox/", note, username="9abcdef", host="https://misskey.example")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.author_name == "Carla"  # the custom emoji's shortcode left out
    assert comment.author_url == "https://misskey.example/@carla"
    assert comment.body == "@redazione@rivista.example bell'articolo"
