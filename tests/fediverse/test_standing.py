"""A remote author is a commenter like any other, keyed by the actor that signs their replies:
one record, standing, suspensions and bans, and the trust rules of the discussion settings."""

import pytest

from comments import services as comment_services
from comments.models import Comment, ModerationAction
from comments.selectors import commenter_record
from fediverse.models import InboxItem
from tests.factories import make_article, make_user

from .conftest import REMOTE, publish_remote_actor
from .test_replies import ALICE, INBOX, create_note, object_of

pytestmark = pytest.mark.django_db

BOB = f"{REMOTE}/users/bob"


@pytest.fixture
def alice(network):
    return publish_remote_actor(network)


@pytest.fixture
def article():
    return make_article()


def _reply(post, article, n, **options):
    post(INBOX, create_note(object_of(article), n=n, **options))
    return Comment.objects.order_by("-pk").first()


def _approve(comment):
    comment_services.comment_set_status(comment=comment, status=Comment.Status.APPROVED)


def test_every_reply_of_an_actor_has_one_commenter_key_and_no_one_elses(
    alice, network, post, article
):
    publish_remote_actor(network, "bob")
    first = _reply(post, article, 1)
    second = _reply(post, article, 2)
    bobs_note = create_note(object_of(article), n=3, by=BOB)
    bobs_note["actor"] = BOB
    post(INBOX, bobs_note, username="bob")
    bobs = Comment.objects.get(fediverse_note__remote__uri=BOB)

    assert first.commenter.startswith("a:") and first.commenter == second.commenter
    assert bobs.commenter.startswith("a:") and bobs.commenter != first.commenter
    assert ALICE not in first.commenter  # a keyed hash, as for an address


def test_an_actor_approved_before_is_approved_where_site_commenters_would_be(
    alice, post, article, settings
):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_AUTO_APPROVE_RETURNING = True
    _approve(_reply(post, article, 1))

    second = _reply(post, article, 2)

    assert second.status == Comment.Status.APPROVED
    assert second.held_rule == Comment.Rule.NONE


def test_with_manual_approval_an_actor_waits_until_trusted_by_standing(
    alice, post, article, settings
):
    _approve(_reply(post, article, 1))
    held = _reply(post, article, 2)
    assert held.status == Comment.Status.PENDING
    assert held.held_rule == Comment.Rule.MANUAL

    settings.COMMENTS_STANDING_HIGH = 1  # one approved reply is enough standing here
    trusted = _reply(post, article, 3)

    assert trusted.status == Comment.Status.APPROVED


def test_an_actor_whose_replies_were_spam_is_held_as_unreliable(alice, post, article, settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    first = _reply(post, article, 1)
    _approve(first)
    comment_services.comment_set_status(comment=first, status=Comment.Status.SPAM)
    comment_services.comment_set_status(
        comment=_reply(post, article, 2), status=Comment.Status.SPAM
    )

    third = _reply(post, article, 3)

    assert third.status == Comment.Status.PENDING
    assert third.held_rule == Comment.Rule.STANDING


@pytest.mark.parametrize("ends_in_days", [7, None], ids=["suspended", "banned"])
def test_a_suspended_or_banned_actors_replies_are_refused(alice, post, article, ends_in_days):
    import datetime

    from django.utils import timezone

    first = _reply(post, article, 1)
    moderator = make_user(is_staff=True)
    ends_at = timezone.now() + datetime.timedelta(days=ends_in_days) if ends_in_days else None
    [suspension] = comment_services.commenters_suspend(
        comments=Comment.objects.filter(pk=first.pk),
        reason="Insulti",
        ends_at=ends_at,
        moderator=moderator,
    )
    assert suspension.commenter == first.commenter

    post(INBOX, create_note(object_of(article), n=2))

    assert Comment.objects.count() == 1
    assert InboxItem.objects.order_by("-pk").first().outcome.startswith("refused")
    assert ModerationAction.objects.filter(
        commenter=first.commenter, kind=ModerationAction.Kind.SUSPENDED
    ).exists()


def test_a_suspension_of_a_site_commenter_does_not_touch_an_actor(alice, post, article):
    site = comment_services.comment_post(
        article=article, body="Ciao", author_name="Alice Rossi", ip_address="198.51.100.3"
    )
    comment_services.commenters_suspend(
        comments=Comment.objects.filter(pk=site.pk),
        reason="x",
        ends_at=None,
        moderator=make_user(is_staff=True),
        include_network=True,
    )

    reply = _reply(post, article, 1)

    assert reply.author_role == Comment.Role.FEDIVERSE  # taken: not the same commenter


def test_the_desk_shows_an_actors_record_without_any_address(alice, post, article):
    first = _reply(post, article, 1)
    _approve(first)
    second = _reply(post, article, 2)

    record = commenter_record(second, show_address=True)

    assert record.kind == "fediverse"
    assert record.name == "Alice Rossi" and record.email == ""
    assert record.counts[Comment.Status.APPROVED] == 1
    assert record.counts[Comment.Status.PENDING] == 1


def test_the_record_panel_on_the_comment_page_names_the_fediverse_account(
    alice, post, article, client
):
    comment = _reply(post, article, 1)
    client.force_login(make_user(is_superuser=True))

    page = client.get(f"/admin/comments/comment/{comment.pk}/change/", secure=True)

    assert page.status_code == 200
    assert "Alice Rossi, un account del fediverso" in page.content.decode()


def test_an_update_keeps_the_reply_under_its_actors_key(alice, post, article):
    first = _reply(post, article, 1)
    key = first.commenter
    update = create_note(object_of(article), n=1, content="<p>Corretto.</p>")
    update.update(type="Update", id=f"{ALICE}/statuses/1#updates/1")

    post(INBOX, update)

    first.refresh_from_db()
    assert first.body == "Corretto." and first.commenter == key


def test_replies_taken_before_the_keys_get_their_actors_key(alice, post, article):
    from importlib import import_module

    from django.apps import apps

    first = _reply(post, article, 1)
    key = first.commenter
    Comment.objects.filter(pk=first.pk).update(commenter="")
    migration = import_module("fediverse.migrations.0005_remote_commenter_keys")

    migration.forwards(apps, None)

    assert Comment.objects.get(pk=first.pk).commenter == key


def test_the_suspensions_list_says_it_names_a_fediverse_account(alice, post, article, client):
    first = _reply(post, article, 1)
    comment_services.commenters_suspend(
        comments=Comment.objects.filter(pk=first.pk),
        reason="Insulti",
        ends_at=None,
        moderator=make_user(is_staff=True),
    )
    client.force_login(make_user(is_superuser=True))

    page = client.get("/admin/comments/suspension/", secure=True).content.decode()

    assert "Account del fediverso" in page
    assert "Alice Rossi" in page


def test_the_moderation_list_shows_an_actors_standing_like_any_commenters(
    alice, post, article, client
):
    _approve(_reply(post, article, 1))
    _reply(post, article, 2)
    client.force_login(make_user(is_superuser=True))

    page = client.get("/admin/comments/comment/", secure=True).content.decode()

    assert (
        page.count('title="Affidabilità, e tutti i commenti di questo commentatore">+1 · 2 ') == 2
    )
