"""comment_post and comment_set_status: the rules, whoever calls them."""

import pytest
from django.utils import translation

from comments import discussion
from comments.models import Comment
from comments.services import CommentRefused, comment_post, comment_set_status
from tests.factories import make_article, make_comment, make_draft, make_scheduled

pytestmark = pytest.mark.django_db


def post(article, **extra):
    defaults = {"body": "Un commento.", "author_name": "Anna", "author_email": "anna@example.com"}
    return comment_post(article=article, **(defaults | extra))


def test_new_comment_is_held_for_moderation_by_default():
    assert post(make_article()).status == Comment.Status.PENDING


def test_comment_is_approved_at_once_when_approval_is_off(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    assert post(make_article()).status == Comment.Status.APPROVED


def test_public_is_approved_only():
    article = make_article()
    shown = make_comment(article)
    for status in ("pending", "rejected", "spam"):
        make_comment(article, status=status)
    assert list(Comment.objects.public()) == [shown]


def test_body_html_is_rendered_once_at_save():
    comment = post(make_article(), body="Vedi https://example.org\n\n<em>ciao</em>")
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body == "Vedi https://example.org\n\n<em>ciao</em>"
    assert 'rel="nofollow ugc noopener"' in stored.body_html
    assert "&lt;em&gt;ciao&lt;/em&gt;" in stored.body_html


@pytest.mark.parametrize("make", [make_draft, make_scheduled])
def test_comment_on_an_unpublished_article_is_refused(make):
    with pytest.raises(CommentRefused) as refused:
        post(make())
    assert refused.value.status == 404
    assert not Comment.objects.exists()


def test_comment_on_an_article_with_comments_closed_is_refused():
    with pytest.raises(CommentRefused) as refused:
        post(make_article(comments_enabled=False))
    assert refused.value.status == 403
    with translation.override("en"):
        assert "closed" in str(refused.value)
    with translation.override("it"):
        assert "chiusi" in str(refused.value)


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_reply_to_a_comment_that_is_not_approved_is_refused(status):
    article = make_article()
    parent = make_comment(article, status=status)
    with pytest.raises(CommentRefused) as refused:
        post(article, parent_id=parent.pk, body="Risposta")
    assert refused.value.status == 403
    assert Comment.objects.count() == 1


def test_reply_with_a_parent_from_another_article_is_refused():
    parent = make_comment(make_article())
    with pytest.raises(CommentRefused) as refused:
        post(make_article(), parent_id=parent.pk)
    assert refused.value.status == 400


def test_reply_to_a_nonexistent_parent_is_refused():
    with pytest.raises(CommentRefused) as refused:
        post(make_article(), parent_id=987654)
    assert refused.value.status == 400


@pytest.mark.parametrize("max_depth", [2, 3, 5])
def test_reply_below_the_maximum_depth_goes_to_the_deepest_allowed_ancestor(settings, max_depth):
    settings.COMMENTS_MAX_DEPTH = max_depth
    article = make_article()
    chain = [make_comment(article)]
    while chain[-1].level < max_depth - 1:
        chain.append(make_comment(article, parent=chain[-1]))
    deepest = chain[-1]
    assert deepest.level == max_depth - 1

    reply = post(article, parent_id=deepest.pk, body="Troppo in fondo")
    assert reply.level == max_depth - 1
    assert reply.parent_id == chain[max_depth - 2].pk


def test_maximum_depth_of_one_makes_every_reply_a_new_thread(settings):
    settings.COMMENTS_MAX_DEPTH = 1
    article = make_article()
    root = make_comment(article)
    reply = post(article, parent_id=root.pk, body="Niente annidamento")
    assert reply.parent_id is None
    assert reply.tree_id != root.tree_id


def test_maximum_depth_is_clamped_to_ten(settings):

    settings.COMMENTS_MAX_DEPTH = 50
    assert discussion.max_depth() == 10
    settings.COMMENTS_MAX_DEPTH = 0
    assert discussion.max_depth() == 1


def test_duplicate_comment_is_refused_but_allowed_on_another_article():
    article = make_article()
    post(article, author_email="Anna@Example.com", body="Stesso testo")
    with pytest.raises(CommentRefused) as refused:
        post(article, author_email="anna@example.com", body="Stesso testo")
    assert refused.value.status == 409
    post(make_article(), author_email="anna@example.com", body="Stesso testo")


def test_moderation_records_who_and_when(django_user_model):
    moderator = django_user_model.objects.create_user("mod", password="x")
    comment = make_comment(make_article(), status="pending")
    comment_set_status(comment=comment, status="approved", moderator=moderator)
    comment.refresh_from_db()
    assert comment.moderated_by == moderator
    assert comment.moderated_at is not None


def test_avatar_colour_is_derived_locally_not_from_an_md5():
    import hashlib

    comment = post(make_article(), author_email="avatar@example.com")
    md5 = hashlib.md5(b"avatar@example.com").hexdigest()  # noqa: S324 - what must NOT be used
    stored = Comment.objects.get(pk=comment.pk)
    assert 0 <= stored.avatar_colour < 12
    assert md5 not in str(stored.__dict__)


@pytest.mark.parametrize("what_happens", ["deleted", "rejected"])
def test_parent_removed_while_waiting_for_the_lock_is_a_clear_refusal(monkeypatch, what_happens):
    from comments import services

    article = make_article()
    parent = make_comment(article)
    original_lock = services.thread_lock_for_insert

    def lock_while_a_moderator_acts(locked_parent):
        original_lock(locked_parent)
        if what_happens == "deleted":
            Comment.objects.filter(pk=parent.pk).delete()
        else:
            Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.REJECTED)

    monkeypatch.setattr(services, "thread_lock_for_insert", lock_while_a_moderator_acts)
    with pytest.raises(CommentRefused) as refused:
        post(article, parent_id=parent.pk, body="Risposta in ritardo")
    assert refused.value.status in (400, 403)
    assert not Comment.objects.filter(body="Risposta in ritardo").exists()
