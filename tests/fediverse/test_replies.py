"""Replies from the fediverse become held, threaded comments through comments.services."""

import pytest

from blog.models import Article
from comments import services as comment_services
from comments.models import Comment, CommentRevision
from fediverse.models import RemoteNote
from tests.factories import make_article

from .conftest import REMOTE, SITE, publish_remote_actor

pytestmark = pytest.mark.django_db

INBOX = "/fediverse/inbox/"
ALICE = f"{REMOTE}/users/alice"


def create_note(in_reply_to: str, *, n: int = 1, content: str | None = None, by: str = ALICE):
    """A Create(Note) as Mastodon delivers a public reply (its docs' spec/activitypub)."""
    note_id = f"{by}/statuses/{n}"
    content = content or (
        '<p><span class="h-card" translate="no"><a href="https://rivista.example/@redazione" '
        'class="u-url mention">@<span>redazione</span></a></span> Ottimo articolo!<br />'
        "Grazie.</p>"
    )
    return {
        "@context": ["https://www.w3.org/ns/activitystreams"],
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": ALICE,
        "published": "2026-12-07T10:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{ALICE}/followers", f"{SITE}/fediverse/magazine/"],
        "object": {
            "id": note_id,
            "type": "Note",
            "summary": None,
            "inReplyTo": in_reply_to,
            "published": "2026-12-07T10:00:00Z",
            "url": f"{REMOTE}/@alice/{n}",
            "attributedTo": by,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [f"{ALICE}/followers"],
            "sensitive": False,
            "content": content,
            "contentMap": {"it": content},
            "tag": [
                {
                    "type": "Mention",
                    "href": f"{SITE}/fediverse/magazine/",
                    "name": "@redazione@rivista.example",
                }
            ],
        },
    }


def object_of(article) -> str:
    return f"{SITE}/fediverse/articles/{article.pk}/"


@pytest.fixture
def alice(network):
    return publish_remote_actor(network)


def test_a_reply_to_an_article_becomes_a_held_comment_with_the_fediverse_badge(alice, post):
    article = make_article()

    response = post(INBOX, create_note(object_of(article)))

    assert response.status_code == 202
    comment = Comment.objects.get()
    assert comment.article == article
    assert comment.parent is None
    assert comment.status == Comment.Status.PENDING
    assert comment.author_role == Comment.Role.FEDIVERSE
    assert comment.author_name == "Alice Rossi"
    assert comment.author_url == f"{REMOTE}/@alice"
    assert comment.author_email == "" and comment.ip_address is None
    assert comment.body == "@redazione Ottimo articolo!\nGrazie."
    assert RemoteNote.objects.get().uri == f"{ALICE}/statuses/1"


def test_a_reply_is_held_even_where_site_comments_go_straight_out(alice, post, settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()

    post(INBOX, create_note(object_of(article)))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    # An actor with no approved reply yet: the fediverse's own rule (tests/fediverse/
    # test_standing.py: a known one is judged as any commenter).
    assert comment.held_reason == "prima risposta da questo account del fediverso"
    assert comment.held_rule == Comment.Rule.NOT_RETURNING


def test_a_reply_naming_the_articles_page_is_taken_too(alice, post):
    article = make_article()

    post(INBOX, create_note(SITE + article.get_absolute_url()))

    assert Comment.objects.get().article == article


def test_the_notes_html_goes_through_the_sanitizer(alice, post):
    article = make_article()
    content = (
        '<p>Ciao <script>alert(1)</script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(1)">clic</a> https://example.org/x</p>'
    )

    post(INBOX, create_note(object_of(article), content=content))

    comment = Comment.objects.get()
    assert "<script" not in comment.body_html and "onerror" not in comment.body_html
    assert "javascript:" not in comment.body_html and "<img" not in comment.body_html
    assert 'href="https://example.org/x"' in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html


def test_a_reply_to_a_reply_is_threaded_under_it(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article), n=1))
    first = Comment.objects.get()
    comment_services.comment_set_status(comment=first, status=Comment.Status.APPROVED)

    post(INBOX, create_note(f"{ALICE}/statuses/1", n=2))

    reply = Comment.objects.exclude(pk=first.pk).get()
    assert reply.parent == first
    assert reply.article == article
    assert Comment.objects.rebuild() is None and Comment.objects.get(pk=reply.pk).level == 1


def test_a_reply_to_a_held_reply_is_refused_as_on_the_site(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article), n=1))

    post(INBOX, create_note(f"{ALICE}/statuses/1", n=2))

    assert Comment.objects.count() == 1


def test_the_same_note_delivered_twice_is_one_comment(alice, post):
    article = make_article()

    post(INBOX, create_note(object_of(article)))
    post(INBOX, create_note(object_of(article)))

    assert Comment.objects.count() == 1


def test_a_note_attributed_to_someone_else_is_ignored(alice, post):
    article = make_article()

    post(INBOX, create_note(object_of(article), by=f"{REMOTE}/users/bob"))

    assert not Comment.objects.exists()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_a_reply_to_an_article_readers_cannot_see_is_refused(alice, post, status):
    article = make_article(status=status)

    post(INBOX, create_note(object_of(article)))

    assert not Comment.objects.exists()


def test_a_reply_to_an_article_with_comments_closed_is_refused(alice, post):
    from fediverse.models import InboxItem

    article = make_article(comments_enabled=False)

    post(INBOX, create_note(object_of(article)))

    assert not Comment.objects.exists()
    outcome = InboxItem.objects.get().outcome
    assert outcome.startswith("refused: ") and "chiusi" in outcome


def test_a_note_whose_id_is_on_another_server_is_ignored(alice, post):
    article = make_article()
    activity = create_note(object_of(article))
    activity["object"]["id"] = "https://victim.example/notes/1"

    post(INBOX, activity)

    assert not Comment.objects.exists()


def test_a_note_replying_to_something_else_is_ignored(alice, post):
    post(INBOX, create_note("https://elsewhere.example/notes/1"))

    assert not Comment.objects.exists()


def test_update_edits_the_comment_and_keeps_the_old_text(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article)))
    update = create_note(object_of(article), content="<p>Testo corretto.</p>")
    update["type"] = "Update"

    post(INBOX, update)

    comment = Comment.objects.get()
    assert comment.body == "Testo corretto."
    assert comment.status == Comment.Status.PENDING  # still waits for its moderator
    assert CommentRevision.objects.get(comment=comment).body.startswith("@redazione")


def test_delete_removes_the_comment(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article)))
    delete = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{ALICE}/statuses/1#delete",
        "type": "Delete",
        "actor": ALICE,
        "object": {"id": f"{ALICE}/statuses/1", "type": "Tombstone"},
    }

    post(INBOX, delete)

    assert not Comment.objects.exists()


def test_delete_of_a_reply_with_replies_leaves_a_placeholder(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article), n=1))
    first = Comment.objects.get()
    comment_services.comment_set_status(comment=first, status=Comment.Status.APPROVED)
    post(INBOX, create_note(f"{ALICE}/statuses/1", n=2))

    post(
        INBOX,
        {
            "id": f"{ALICE}/statuses/1#delete",
            "type": "Delete",
            "actor": ALICE,
            "object": f"{ALICE}/statuses/1",
        },
    )

    first.refresh_from_db()
    assert first.status == Comment.Status.REJECTED
    assert Comment.objects.count() == 2


def test_someone_else_cannot_delete_a_reply(alice, network, post):
    publish_remote_actor(network, "mallory")
    article = make_article()
    post(INBOX, create_note(object_of(article)))

    post(
        INBOX,
        {
            "id": "x",
            "type": "Delete",
            "actor": f"{REMOTE}/users/mallory",
            "object": f"{ALICE}/statuses/1",
        },
        username="mallory",
    )

    assert Comment.objects.count() == 1


def test_the_spam_list_applies_to_fediverse_replies(alice, post, settings):
    settings.COMMENTS_SPAM_LIST = "casinò"
    article = make_article()

    post(INBOX, create_note(object_of(article), content="<p>Vinci al casinò!</p>"))

    assert Comment.objects.get().status == Comment.Status.SPAM


def test_an_approved_reply_shows_on_the_article_page_with_the_mark_and_nothing_fetched(
    alice, network, post, client
):
    article = make_article()
    post(INBOX, create_note(object_of(article)))
    comment_services.comment_set_status(
        comment=Comment.objects.get(), status=Comment.Status.APPROVED
    )
    fetched_before = len(network.sent)

    page = client.get(article.get_absolute_url(), secure=True).content.decode()

    assert "Alice Rossi" in page
    assert 'class="comment-badge badge-fediverse">Fediverso<' in page
    assert f'href="{REMOTE}/@alice"' in page
    assert len(network.sent) == fetched_before


def test_erasing_a_remote_author_anonymizes_their_replies_and_forgets_them(alice, post):
    from fediverse import services
    from fediverse.models import Follower, RemoteActor

    article = make_article()
    post(INBOX, create_note(object_of(article), n=1))
    first = Comment.objects.get()
    comment_services.comment_set_status(comment=first, status=Comment.Status.APPROVED)
    post(INBOX, create_note(f"{ALICE}/statuses/1", n=2))
    post(
        INBOX,
        {
            "id": f"{REMOTE}/f",
            "type": "Follow",
            "actor": ALICE,
            "object": f"{SITE}/fediverse/magazine/",
        },
    )

    anonymized = services.remote_actor_erase(remote=RemoteActor.objects.get(uri=ALICE))

    assert anonymized == 2
    assert not RemoteActor.objects.exists() and not Follower.objects.exists()
    assert not RemoteNote.objects.exists()
    for comment in Comment.objects.all():
        assert comment.author_name == "" and comment.author_url == ""
    assert Comment.objects.get(pk=first.pk).body.startswith("@redazione")  # the thread stays
    assert Comment.objects.count() == 2


def test_a_remote_authors_data_is_exported_from_the_admin(alice, post, client):
    from django.urls import reverse

    from fediverse.models import RemoteActor
    from tests.factories import make_user

    article = make_article(title="Il clima")
    post(INBOX, create_note(object_of(article)))
    client.force_login(make_user(is_superuser=True))

    response = client.post(
        reverse("admin:fediverse_remoteactor_changelist"),
        {"action": "export_data", "_selected_action": [RemoteActor.objects.get().pk]},
    )

    assert response.status_code == 200, response.content[:300]
    [data] = response.json()
    assert data["actor"] == ALICE
    assert data["replies"][0]["article"] == "Il clima"
    assert data["replies"][0]["text"].startswith("@redazione")
    assert "PUBLIC KEY" not in response.content.decode()


@pytest.fixture
def approved_remote_reply(alice, post):
    article = make_article()
    post(INBOX, create_note(object_of(article)))
    remote_comment = Comment.objects.get()
    comment_services.comment_set_status(comment=remote_comment, status=Comment.Status.APPROVED)
    return remote_comment


def _site_reply(parent, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return comment_services.comment_post(
            article=parent.article,
            body="Grazie a te, Alice!",
            author_name="Bruno Lettore",
            author_email="bruno@private.example",
            parent_id=parent.pk,
            ip_address="198.51.100.7",
            **extra,
        )


def test_a_site_reply_to_a_fediverse_reply_goes_back_to_its_author(
    approved_remote_reply, network, settings, django_capture_on_commit_callbacks
):
    import json

    settings.COMMENTS_REQUIRE_APPROVAL = False

    reply = _site_reply(approved_remote_reply, django_capture_on_commit_callbacks)

    [sent] = network.posts_to(f"{ALICE}/inbox")
    activity = json.loads(sent["body"])
    note = activity["object"]
    assert activity["type"] == "Create" and note["type"] == "Note"
    assert note["inReplyTo"] == f"{ALICE}/statuses/1"
    assert note["id"] == f"{SITE}/fediverse/comments/{reply.pk}/"
    assert ALICE in note["cc"]
    assert note["tag"][0] == {"type": "Mention", "href": ALICE, "name": "@alice@social.example"}
    assert "Bruno Lettore" in note["content"] and "Grazie a te, Alice!" in note["content"]
    assert "bruno@private.example" not in sent["body"].decode()
    assert "Signature" in sent["headers"]


def test_a_held_site_reply_goes_out_once_approved_and_only_once(
    approved_remote_reply, network, django_capture_on_commit_callbacks
):
    reply = _site_reply(approved_remote_reply, django_capture_on_commit_callbacks)
    assert reply.status == Comment.Status.PENDING
    assert not network.posts_to(f"{ALICE}/inbox")

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            comment_services.comment_set_status(comment=reply, status=Comment.Status.APPROVED)
            Comment.objects.get(pk=reply.pk).save()

    assert len(network.posts_to(f"{ALICE}/inbox")) == 1


def test_a_reply_to_a_site_comment_stays_on_the_site(
    alice, network, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()
    site_comment = comment_services.comment_post(
        article=article, body="Primo", author_name="Carla", ip_address="198.51.100.8"
    )

    _site_reply(site_comment, django_capture_on_commit_callbacks)

    assert not [request for request in network.sent if request["method"] == "POST"]


def test_a_comment_is_served_as_a_note_only_when_approved(approved_remote_reply, client):
    pending = comment_services.comment_post(
        article=approved_remote_reply.article,
        body="In attesa",
        author_name="Dario",
        author_email="dario@private.example",
        ip_address="198.51.100.9",
    )
    accept = {"HTTP_ACCEPT": "application/activity+json", "secure": True}

    shown = client.get(f"/fediverse/comments/{approved_remote_reply.pk}/", **accept)
    hidden = client.get(f"/fediverse/comments/{pending.pk}/", **accept)

    assert shown.status_code == 200 and shown.json()["type"] == "Note"
    assert hidden.status_code == 404


def _held_site_replies(parent, django_capture_on_commit_callbacks, count):
    replies = []
    for n in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            replies.append(
                comment_services.comment_post(
                    article=parent.article,
                    body=f"Risposta numero {n}",
                    author_name=f"Lettore {n}",
                    author_email=f"lettore{n}@private.example",
                    parent_id=parent.pk,
                    ip_address=f"198.51.100.{20 + n}",
                )
            )
    assert {reply.status for reply in replies} == {Comment.Status.PENDING}
    return replies


def test_a_bulk_approval_in_the_admin_sends_each_site_reply_back(
    approved_remote_reply, network, client, django_capture_on_commit_callbacks
):
    import json

    from django.urls import reverse

    from tests.factories import make_user

    replies = _held_site_replies(approved_remote_reply, django_capture_on_commit_callbacks, 2)
    client.force_login(make_user(is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [reply.pk for reply in replies]},
        )

    assert response.status_code == 302
    sent = network.posts_to(f"{ALICE}/inbox")
    assert sorted(json.loads(request["body"])["object"]["id"] for request in sent) == sorted(
        f"{SITE}/fediverse/comments/{reply.pk}/" for reply in replies
    )
    assert all(b"private.example" not in request["body"] for request in sent)


def test_the_bulk_service_and_the_single_one_send_a_reply_once_between_them(
    approved_remote_reply, network, django_capture_on_commit_callbacks
):
    [reply] = _held_site_replies(approved_remote_reply, django_capture_on_commit_callbacks, 1)

    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comments_set_status(
            comments=Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED
        )
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_set_status(comment=reply, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_set_status(comment=reply, status=Comment.Status.APPROVED)

    assert len(network.posts_to(f"{ALICE}/inbox")) == 1


def test_a_bulk_approval_sends_nothing_for_replies_to_site_comments(
    alice, network, settings, django_capture_on_commit_callbacks
):
    article = make_article()
    settings.COMMENTS_REQUIRE_APPROVAL = False
    site_comment = comment_services.comment_post(
        article=article, body="Primo", author_name="Carla", ip_address="198.51.100.8"
    )
    settings.COMMENTS_REQUIRE_APPROVAL = True
    replies = _held_site_replies(site_comment, django_capture_on_commit_callbacks, 2)

    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comments_set_status(
            comments=Comment.objects.filter(pk__in=[r.pk for r in replies]),
            status=Comment.Status.APPROVED,
        )

    assert not [request for request in network.sent if request["method"] == "POST"]


def test_erasing_a_remote_author_forgets_what_they_signed_and_our_replies_to_them(
    approved_remote_reply, network, django_capture_on_commit_callbacks
):
    from fediverse import selectors, services
    from fediverse.models import Delivery, InboxItem, RemoteActor

    reply = _site_reply(approved_remote_reply, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_set_status(comment=reply, status=Comment.Status.APPROVED)
    remote = RemoteActor.objects.get(uri=ALICE)
    other = InboxItem.objects.create(domain="else.example", key_id="https://else.example/k")
    assert InboxItem.objects.filter(key_id=remote.key_id).exists()
    assert selectors.remote_actor_export(remote)["activities_received"]
    assert Delivery.objects.filter(inbox=f"{ALICE}/inbox").exists()

    services.remote_actor_erase(remote=remote)

    assert not InboxItem.objects.filter(key_id=remote.key_id).exists()
    assert not Delivery.objects.filter(inbox=f"{ALICE}/inbox").exists()
    assert InboxItem.objects.filter(pk=other.pk).exists()


def test_a_reply_shows_initials_drawn_here_from_the_name_without_emoji_shortcodes(
    network, post, client
):
    document = publish_remote_actor(network)
    document["name"] = "Alice :blobcat: Rossi :verified:"
    article = make_article()
    post(INBOX, create_note(object_of(article)))
    comment = Comment.objects.get()
    comment_services.comment_set_status(comment=comment, status=Comment.Status.APPROVED)
    fetched_before = len(network.sent)

    page = client.get(article.get_absolute_url(), secure=True).content.decode()

    assert comment.author_name == "Alice Rossi"
    assert f'class="comment-avatar avatar-c{comment.avatar_colour}" aria-hidden="true">AR<' in page
    assert ":blobcat:" not in page
    assert len(network.sent) == fetched_before  # no avatar, nothing, fetched to show it


def test_a_remote_author_with_no_display_name_is_shown_by_username():
    from fediverse.models import RemoteActor
    from fediverse.replies import display_name

    remote = RemoteActor(uri=ALICE, domain="social.example", preferred_username="alice")

    assert display_name(remote) == "alice"
    remote.name = ":blobcat:"
    assert display_name(remote) == "alice"
