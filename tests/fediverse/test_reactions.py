"""Likes, emoji reactions and boosts are counted per article, shown as counts on its admin page."""

import pytest
from django.urls import reverse

from fediverse import reactions
from tests.factories import make_article, make_user

from .conftest import REMOTE, SITE, publish_remote_actor

pytestmark = pytest.mark.django_db

INBOX = "/fediverse/inbox/"
ALICE = f"{REMOTE}/users/alice"


def like(article, *, kind="Like", n=1, actor=ALICE):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor}#likes/{n}",
        "type": kind,
        "actor": actor,
        "object": f"{SITE}/fediverse/articles/{article.pk}/",
    }


@pytest.fixture
def alice(network):
    return publish_remote_actor(network)


def test_likes_and_boosts_are_counted_once_each(alice, network, post):
    publish_remote_actor(network, "bob")
    article = make_article()

    post(INBOX, like(article, n=1))
    post(INBOX, like(article, n=2))  # the same person liking again
    post(INBOX, like(article, actor=f"{REMOTE}/users/bob"), username="bob")
    post(INBOX, like(article, kind="Announce", n=3))

    assert reactions.reaction_counts(article.pk) == {"like": 2, "boost": 1}


def test_undo_like_takes_it_back(alice, post):
    article = make_article()
    post(INBOX, like(article))

    post(
        INBOX,
        {"id": f"{ALICE}#likes/1/undo", "type": "Undo", "actor": ALICE, "object": like(article)},
    )

    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 0}


def test_a_like_of_something_not_ours_is_not_counted(alice, post):
    article = make_article()
    activity = like(article) | {"object": "https://elsewhere.example/notes/1"}

    post(INBOX, activity)

    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 0}


def test_the_articles_admin_page_shows_the_counts_not_the_people(alice, post, client):
    article = make_article()
    post(INBOX, like(article))
    post(INBOX, like(article, kind="Announce", n=2))
    client.force_login(make_user(is_superuser=True))

    page = client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()

    assert "Mi piace: 1; condivisioni: 1; risposte ricevute: 0." in page
    assert "alice" not in page.lower()


def test_a_pleroma_emoji_reaction_counts_as_a_like_and_its_undo_takes_it_back(alice, post):
    article = make_article()
    react = like(article, kind="EmojiReact") | {"content": "🔥"}  # as Pleroma/Akkoma send it

    post(INBOX, react)
    counted = reactions.reaction_counts(article.pk)
    post(INBOX, {"id": f"{ALICE}#undo/7", "type": "Undo", "actor": ALICE, "object": react})

    assert counted == {"like": 1, "boost": 0}
    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 0}
