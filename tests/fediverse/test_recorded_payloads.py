"""Payloads Mastodon, Pleroma and Misskey servers really sent, kept verbatim in payloads/ (where
each comes from: payloads/README.md), posted through our inbox signed as their server would.

What a test changes, and only in memory: the field that must name our site (the article a
reply answers, the actor a Follow follows, the article a Like likes), and the actor document's
publicKeyPem, which becomes our test key (we cannot sign with their private keys). The rest
(ids, contexts, extra fields, signatures in the body, mentions, emoji) is as recorded."""

import copy
import json
from pathlib import Path

import pytest

from comments import services as comment_services
from comments.models import Comment, CommentRevision
from fediverse import fetcher, reactions, remote, replies
from fediverse.models import Follower, InboxItem, RemoteActor, RemoteNote
from tests.factories import make_article

from .conftest import SITE, publish_remote_actor, remote_key

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
INBOX = "/fediverse/inbox/"
MAGAZINE = f"{SITE}/fediverse/magazine/"

# Pleroma's recorded Mastodon traffic is from a test server on plain http.
MASTODON = "http://mastodon.example.org"
ADMIN = f"{MASTODON}/users/admin"
GARGRON = f"{MASTODON}/users/gargron"


def recorded(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def filled(name: str, **values) -> dict:
    """A recorded document Pleroma keeps as a template ({{domain}}, {{nickname}}), filled in."""
    text = (PAYLOADS / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return json.loads(text)


def serve_actor(network, document: dict) -> dict:
    """Serve a recorded actor document at its id, its key swapped for our test key."""
    served = copy.deepcopy(document)
    username = served["id"].rstrip("/").rsplit("/", 1)[-1]
    served["publicKey"] = served["publicKey"] | {"publicKeyPem": remote_key(username)[1]}
    network.routes[served["id"]] = served
    for inbox in (served.get("inbox"), served.get("endpoints", {}).get("sharedInbox")):
        network.routes.setdefault(inbox, fetcher.Response(status=202))
    return served


def signer(actor_uri: str) -> dict:
    """The options that make conftest's `post` sign as this actor's `#main-key`."""
    host, username = actor_uri.rsplit("/users/", 1)
    return {"host": host, "username": username}


def object_of(article) -> str:
    return f"{SITE}/fediverse/articles/{article.pk}/"


def page_of(article) -> str:
    return SITE + article.get_absolute_url()


def last_outcome() -> str:
    return InboxItem.objects.order_by("-pk").first().outcome


def misskey_create(note: dict) -> dict:
    """Misskey sends a note wrapped as its ApRendererService.renderCreate does: the activity's
    id is the note's plus /activity, its audience the note's (the note itself is recorded)."""
    return {
        "@context": note["@context"],
        "id": f"{note['id']}/activity",
        "actor": note["attributedTo"],
        "type": "Create",
        "published": note["published"],
        "object": {key: value for key, value in note.items() if key != "@context"},
        "to": note["to"],
        "cc": note["cc"],
    }


def taken_reply(actor: RemoteActor, note_id: str, article) -> Comment:
    """A reply we took earlier from this actor (its Create is not among the recordings)."""
    comment = comment_services.comment_post_remote(
        article=article,
        body="Testo di prima.",
        author_name=replies.display_name(actor),
        author_url=actor.profile_url,
        actor=actor.uri,
    )
    RemoteNote.objects.create(uri=note_id, remote=actor, comment=comment)
    return comment


@pytest.fixture
def mastodon_admin(network, settings):
    settings.FEDIVERSE_ALLOW_HTTP = True  # the recordings' server spoke plain http
    return serve_actor(network, recorded("mastodon/actor-admin.json"))


@pytest.fixture
def mastodon_gargron(network, settings):
    """Mastodon's own Update of gargron's profile carries his actor document: served as such."""
    settings.FEDIVERSE_ALLOW_HTTP = True
    return serve_actor(network, recorded("mastodon/update-person.json")["object"])


# Mastodon


def test_a_mastodon_reply_becomes_a_held_comment_under_the_article(mastodon_admin, post):
    article = make_article()
    activity = recorded("mastodon/create-note.json")
    activity["object"]["inReplyTo"] = object_of(article)

    response = post(INBOX, activity, **signer(ADMIN))

    assert response.status_code == 202
    comment = Comment.objects.get()
    assert (comment.article, comment.parent) == (article, None)
    assert comment.status == Comment.Status.PENDING  # an unknown actor is held
    assert comment.author_role == Comment.Role.FEDIVERSE
    assert comment.author_name == "admin"  # Mastodon's "name": null: the username
    assert comment.author_url == f"{MASTODON}/@admin"
    assert comment.author_email == ""
    # Its content warning ("cw") before the text, as Mastodon shows it; the h-card mention kept
    # as its text.
    assert comment.body == "Avviso sul contenuto: cw\n\n@lain"
    assert "<span" not in comment.body_html and "h-card" not in comment.body_html
    assert RemoteNote.objects.get().uri == f"{ADMIN}/statuses/99512778738411822"


def test_a_mastodon_reply_with_only_a_content_map_is_read_from_it(mastodon_admin, post):
    article = make_article()
    activity = recorded("mastodon/create-note-contentmap.json")
    activity["object"]["inReplyTo"] = object_of(article)

    post(INBOX, activity, **signer(ADMIN))

    assert Comment.objects.get().body.endswith("\n\n@lain")


def test_a_mastodon_follow_is_accepted_and_its_undo_removes_it(mastodon_admin, network, post):
    follow = recorded("mastodon/follow.json")
    follow["object"] = MAGAZINE

    post(INBOX, follow, **signer(ADMIN))

    follower = Follower.objects.get()
    assert follower.remote.uri == ADMIN
    assert follower.follow_id == f"{ADMIN}#follows/2"
    accepts = [json.loads(sent["body"]) for sent in network.posts_to(f"{ADMIN}/inbox")]
    assert [(a["type"], a["object"]["id"]) for a in accepts] == [("Accept", follow["id"])]

    undo = recorded("mastodon/undo-follow.json")
    undo["object"]["object"] = MAGAZINE
    post(INBOX, undo, **signer(ADMIN))

    assert not Follower.objects.exists()


def test_a_mastodon_like_is_counted_and_its_undo_naming_it_by_id_takes_it_back(
    mastodon_admin, post
):
    article = make_article()
    like = recorded("mastodon/like.json")
    like["object"] = object_of(article)

    post(INBOX, like, **signer(ADMIN))
    assert reactions.reaction_counts(article.pk) == {"like": 1, "boost": 0}

    post(INBOX, recorded("mastodon/undo-like-by-id.json"), **signer(ADMIN))  # verbatim

    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 0}
    assert last_outcome() == "like undone"


def test_a_mastodon_boost_of_the_articles_page_is_counted_and_undone(mastodon_admin, post):
    article = make_article()
    announce = recorded("mastodon/announce.json")
    announce["object"] = page_of(article)

    post(INBOX, announce, **signer(ADMIN))
    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 1}

    undo = recorded("mastodon/undo-announce.json")
    undo["object"]["object"] = page_of(article)
    post(INBOX, undo, **signer(ADMIN))

    assert reactions.reaction_counts(article.pk) == {"like": 0, "boost": 0}


def test_a_mastodon_edit_updates_the_comment_and_keeps_its_history(network, post):
    """Mastodon 4's Update of a Note (content and contentMap, inlined likes and shares)."""
    update = recorded("mastodon/update-note.json")
    author = update["actor"]
    host, username = author.rsplit("/users/", 1)
    document = publish_remote_actor(network, username, host=host)
    actor = remote.actor_from_document(document, key_id=document["publicKey"]["id"])
    comment = taken_reply(actor, update["object"]["id"], make_article())

    post(INBOX, update, **signer(author))  # verbatim: it names its own note

    comment.refresh_from_db()
    assert comment.body == "test"
    assert CommentRevision.objects.get(comment=comment).body == "Testo di prima."


def test_a_mastodon_delete_with_a_tombstone_removes_the_reply(mastodon_gargron, post):
    delete = recorded("mastodon/delete.json")
    actor = remote.actor_from_document(mastodon_gargron, key_id=f"{GARGRON}#main-key")
    taken_reply(actor, delete["object"]["id"], make_article())

    post(INBOX, delete, **signer(GARGRON))  # verbatim

    assert not Comment.objects.exists()
    assert not RemoteNote.objects.exists()


def test_a_mastodon_profile_update_changes_no_comment(mastodon_gargron, post):
    article = make_article()
    actor = remote.actor_from_document(mastodon_gargron, key_id=f"{GARGRON}#main-key")
    comment = taken_reply(actor, f"{GARGRON}/statuses/1", article)

    post(INBOX, recorded("mastodon/update-person.json"), **signer(GARGRON))

    assert last_outcome() == "ignored Update"
    comment.refresh_from_db()
    assert comment.body == "Testo di prima."


# Pleroma


@pytest.fixture
def pleroma_helene(network):
    return serve_actor(
        network, filled("pleroma/actor-template.json", domain="p.helene.moe", nickname="helene")
    )


def test_a_pleroma_reply_becomes_a_held_comment_with_the_emoji_left_out_of_the_name(
    pleroma_helene, post
):
    article = make_article()
    activity = recorded("pleroma/create-note.json")
    activity["object"]["inReplyTo"] = page_of(article)

    post(INBOX, activity, **signer(pleroma_helene["id"]))

    comment = Comment.objects.get()
    assert comment.article == article
    assert comment.status == Comment.Status.PENDING
    assert comment.author_name == "helene"  # "helene :verified:"
    assert comment.author_url == "https://p.helene.moe/users/helene"
    assert comment.author_email == ""
    assert comment.body == "@mametsuko meow"
    assert "data-user" not in comment.body_html and "<a" not in comment.body_html


# Misskey


@pytest.fixture
def misskey_aimu(network):
    return serve_actor(network, recorded("misskey/actor.json"))


def test_a_misskey_reply_becomes_a_held_comment(misskey_aimu, post):
    article = make_article()
    activity = misskey_create(recorded("misskey/note.json"))
    activity["object"]["inReplyTo"] = object_of(article)

    post(INBOX, activity, **signer(misskey_aimu["id"]))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.author_name == "あいむ"
    assert comment.author_url == "https://misskey.io/@aimu"
    assert comment.body == "Fantiaこれできないように過去のやつは従量課金だった気がする"


def test_a_misskey_quote_replying_to_a_reply_is_threaded_with_its_link_kept(
    misskey_aimu, network, post
):
    article = make_article()
    first = misskey_create(recorded("misskey/note.json"))
    first["object"]["inReplyTo"] = object_of(article)
    post(INBOX, first, **signer(misskey_aimu["id"]))
    parent = Comment.objects.get()
    comment_services.comment_set_status(comment=parent, status=Comment.Status.APPROVED)
    quote = misskey_create(recorded("misskey/quote-note.json"))
    publish_remote_actor(network, "7rkrarq81i", host="https://misskey.io")
    # it quotes aimu's note; here it also answers it (the one field rewritten)
    quote["object"]["inReplyTo"] = quote["object"]["_misskey_quote"]

    post(INBOX, quote, **signer(quote["actor"]))

    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent and reply.article == article
    assert reply.body == (
        "投稿者の設定によるね\n"
        "Fanboxについても投稿者によっては過去の投稿は高額なプランに移動してることがある\n\n"
        "RE: https://misskey.io/notes/8vs6wxufd0"
    )
    assert 'href="https://misskey.io/notes/8vs6wxufd0"' in reply.body_html
    assert 'rel="nofollow ugc noopener"' in reply.body_html


def test_a_misskey_custom_emoji_reaction_is_counted_as_a_like(network, post):
    article = make_article()
    like = recorded("misskey/like-custom-emoji.json")
    host, username = like["actor"].rsplit("/users/", 1)
    publish_remote_actor(network, username, host=host)
    like["object"] = object_of(article)

    post(INBOX, like, **signer(like["actor"]))

    assert reactions.reaction_counts(article.pk) == {"like": 1, "boost": 0}


# Actor documents, read as recorded (their own keys kept)


def _read(document: dict) -> RemoteActor:
    return remote.actor_from_document(document, key_id=document["publicKey"]["id"])


def test_a_mastodon_actor_document_is_read():
    document = recorded("mastodon/actor-admin.json")

    actor = _read(document)

    assert (actor.uri, actor.domain) == (ADMIN, "mastodon.example.org")
    assert (actor.name, actor.preferred_username) == ("", "admin")
    assert actor.profile_url == f"{MASTODON}/@admin"
    assert (actor.inbox, actor.shared_inbox) == (f"{ADMIN}/inbox", f"{MASTODON}/inbox")
    assert actor.public_key_pem == document["publicKey"]["publicKeyPem"].strip()
    assert replies.display_name(actor) == "admin"


def test_a_current_mastodon_actor_document_is_read():
    actor = _read(filled("mastodon/actor-template.json", domain="m.example", nickname="ada"))

    assert (actor.name, actor.preferred_username) == ("Name Name", "ada")
    assert (actor.inbox, actor.shared_inbox) == (
        "https://m.example/users/ada/inbox",
        "https://m.example/inbox",
    )
    assert actor.profile_url == "https://m.example/@ada"
    assert actor.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----\nMIIBIjAN")


def test_the_mastodon_documentations_key_example_is_read_as_an_actor_without_an_inbox():
    actor = _read(recorded("mastodon/docs-actor-public-key.json"))

    assert actor.uri == "https://mastodon.social/users/Gargron"
    assert actor.key_id == "https://mastodon.social/users/Gargron#main-key"
    assert actor.public_key_pem.endswith("-----END PUBLIC KEY-----")
    assert (actor.inbox, actor.shared_inbox, actor.name) == ("", "", "")
    assert replies.display_name(actor) == "mastodon.social"


def test_a_pleroma_actor_document_is_read():
    actor = _read(filled("pleroma/actor-template.json", domain="p.example", nickname="lain"))

    assert (actor.name, actor.preferred_username) == ("lain :verified:", "lain")
    assert replies.display_name(actor) == "lain"
    assert (actor.inbox, actor.shared_inbox) == (
        "https://p.example/users/lain/inbox",
        "https://p.example/inbox",
    )
    assert actor.profile_url == "https://p.example/users/lain"
    assert actor.public_key_pem.endswith("-----END PUBLIC KEY-----")


def test_a_misskey_actor_document_is_read():
    actor = _read(recorded("misskey/actor.json"))

    assert (actor.uri, actor.name, actor.preferred_username) == (
        "https://misskey.io/users/83ssedkv53",
        "あいむ",
        "aimu",
    )
    assert (actor.inbox, actor.shared_inbox) == (
        "https://misskey.io/users/83ssedkv53/inbox",
        "https://misskey.io/inbox",
    )
    assert actor.profile_url == "https://misskey.io/@aimu"
    assert actor.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----\nMIICIjAN")  # 4096 bits
