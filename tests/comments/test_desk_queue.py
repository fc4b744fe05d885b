"""The queue for speed: one held comment at a time, its actions through the services, undo
(issue 24, item 6). The keyboard is tested in Chromium: tests/e2e/test_desk_queue.py."""

import pytest
from django.urls import reverse

from comments.models import Comment, ModerationAction, Suspension
from tests.factories import (
    csrf_browser,
    csrf_post_data,
    find_elements,
    make_article,
    make_comment,
    make_user,
)

pytestmark = pytest.mark.django_db

EMAIL = "Segreta.Lettrice@example.org"


def desk_url(comment=None) -> str:
    url = reverse("admin:comments_comment_desk")
    return f"{url}?c={comment.pk}" if comment is not None else url


def held(article, count: int, **extra) -> list[Comment]:
    return [make_comment(article, status="pending", **extra) for _ in range(count)]


def act(client, comment, action: str, **extra):
    return client.post(desk_url(), {"comment": comment.pk, "action": action, **extra})


def status_of(comment) -> str:
    return Comment.objects.values_list("status", flat=True).get(pk=comment.pk)


def test_the_queue_opens_on_the_oldest_held_comment_with_its_parent_article_and_record(
    moderator_client,
):
    article = make_article(title="Il ponte sullo Stretto")
    parent = make_comment(article, body="Il primo commento del thread.")
    first = make_comment(article, status="pending", parent=parent, body="Una risposta in attesa.")
    held(article, 2)

    page = moderator_client.get(desk_url()).text

    assert "Una risposta in attesa." in page
    assert "Il primo commento del thread." in page  # the comment it answers
    assert "Il ponte sullo Stretto" in page
    assert 'id="commenter-record"' in page
    assert f'value="{first.pk}"' in page
    # The region screen readers hear, and the shortcuts announced to them.
    assert find_elements(page, "div", id="desk-queue-status", role="status")
    assert find_elements(page, "button", value="approve", **{"aria-keyshortcuts": "A"})
    assert "js/desk-queue.js" in page and "<script>" not in page and "style=" not in page


def test_approve_goes_through_the_service_logs_and_moves_to_the_next(moderator_client, moderator):
    article = make_article()
    first, second = held(article, 2)

    response = act(moderator_client, first, "approve")

    assert response.status_code == 302
    assert response["Location"] == desk_url(second)
    assert status_of(first) == Comment.Status.APPROVED
    assert ModerationAction.objects.get(comment=first).moderator == moderator
    page = moderator_client.get(response["Location"]).text
    assert f"Comment {first.pk} approved." in page or f"Commento {first.pk} approvato." in page


@pytest.mark.parametrize(
    ("action", "status"), [("reject", Comment.Status.REJECTED), ("spam", Comment.Status.SPAM)]
)
def test_reject_and_spam(moderator_client, action, status):
    (comment,) = held(make_article(), 1)
    act(moderator_client, comment, action)
    assert status_of(comment) == status


def test_undo_restores_the_previous_status_through_the_service_and_is_logged(
    moderator_client, moderator
):
    first, _second = held(make_article(), 2)
    act(moderator_client, first, "spam")

    response = moderator_client.post(desk_url(), {"action": "undo"})

    assert response["Location"] == desk_url(first)
    assert status_of(first) == Comment.Status.PENDING
    undo = ModerationAction.objects.filter(comment=first).first()  # the newest
    assert undo.kind == ModerationAction.Kind.PENDING
    assert undo.previous_status == Comment.Status.SPAM
    assert undo.note  # "undone in the queue"
    # Once: a second undo has nothing left to undo.
    moderator_client.post(desk_url(), {"action": "undo"})
    assert status_of(first) == Comment.Status.PENDING
    assert ModerationAction.objects.filter(comment=first).count() == 2


def test_pick_on_a_held_comment_approves_and_picks_and_undo_puts_both_back(moderator_client):
    first, _second = held(make_article(), 2)

    act(moderator_client, first, "pick")
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED and first.picked_at is not None

    moderator_client.post(desk_url(), {"action": "undo"})
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING and first.picked_at is None


def test_previous_goes_back_to_the_comment_seen_before(moderator_client):
    first, second, _third = held(make_article(), 3)
    moderator_client.get(desk_url(first))
    act(moderator_client, first, "approve")

    page = moderator_client.get(desk_url(second)).text

    (link,) = find_elements(page, "a", **{"data-shortcut": "k arrowleft"})
    assert dict(link.attributes)["href"] == desk_url(first)


def test_suspend_from_the_queue_and_undo_lifts_it(moderator_client):
    (comment,) = held(make_article(), 1, author_email=EMAIL)

    response = act(
        moderator_client, comment, "suspend",
        **{"suspend-period": "7", "suspend-reason": "Insulti ripetuti", "suspend-spam_pending": ""},
    )  # fmt: skip

    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.is_active() and suspension.commenter == comment.commenter
    moderator_client.post(desk_url(), {"action": "undo"})
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None


def test_a_suspension_without_a_reason_is_refused_clearly_and_keeps_the_form(moderator_client):
    (comment,) = held(make_article(), 1)

    response = act(
        moderator_client, comment, "suspend",
        **{"suspend-period": "30", "suspend-reason": "   ", "suspend-include_network": "on"},
    )  # fmt: skip

    assert response.status_code == 400
    assert not Suspension.objects.exists()
    page = response.text
    assert '<option value="30" selected>' in page  # what was chosen stays chosen
    assert 'name="suspend-include_network" id="id_suspend-include_network" checked' in page
    assert "desk-queue-message error" in page  # said in the live region


def test_an_empty_queue_says_so(moderator_client):
    page = moderator_client.get(desk_url()).text
    assert "desk-queue-empty" in page


def test_readers_and_staff_without_the_permission_are_refused(client):
    (comment,) = held(make_article(), 1)
    client.force_login(make_user(is_staff=True))
    assert client.get(desk_url()).status_code == 403
    assert act(client, comment, "approve").status_code == 403
    assert status_of(comment) == Comment.Status.PENDING


def test_a_moderator_who_may_not_suspend_gets_no_form_and_a_refusal(client):
    from django.contrib.auth.models import Permission

    (comment,) = held(make_article(), 1)
    user = make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_comment"))
    client.force_login(user)

    assert "desk-suspend" not in client.get(desk_url()).text
    response = act(client, comment, "suspend", **{"suspend-period": "7", "suspend-reason": "x"})
    assert response.status_code == 403
    assert not Suspension.objects.exists()


def test_actions_need_the_csrf_token():
    (comment,) = held(make_article(), 1)
    browser = csrf_browser()
    browser.force_login(make_user(is_superuser=True))

    refused = browser.post(desk_url(), {"comment": comment.pk, "action": "approve"})
    assert refused.status_code == 403
    assert status_of(comment) == Comment.Status.PENDING
    done = browser.post(desk_url(), csrf_post_data({"comment": comment.pk, "action": "approve"}))
    assert done.status_code == 302
    assert status_of(comment) == Comment.Status.APPROVED


def test_a_moderator_without_the_personal_data_permission_never_sees_an_address(client):
    from django.contrib.auth.models import Permission

    article = make_article()
    parent = make_comment(article, author_email=EMAIL)
    (comment,) = held(article, 1, author_email=EMAIL, parent=parent)
    user = make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_comment"))
    client.force_login(user)

    page = client.get(desk_url(comment)).text

    assert 'id="commenter-record"' in page and "Una" not in EMAIL
    assert EMAIL.lower() not in page.lower()
    assert "example.org" not in page


def test_a_moderator_allowed_to_see_addresses_sees_it(staff_client):
    (comment,) = held(make_article(), 1, author_email=EMAIL)
    # The comment's own line and the record both name it.
    assert staff_client.get(desk_url(comment)).text.count(EMAIL) == 2


def test_the_admin_frame_links_to_the_queue(moderator_client):
    page = moderator_client.get(reverse("admin:index")).text
    assert find_elements(page, "a", href=desk_url())


def test_bad_comment_ids_are_no_500(moderator_client):
    assert moderator_client.get(desk_url() + "?c=abc").status_code == 200
    assert moderator_client.get(desk_url() + "?c=99999999999999999999999").status_code == 200
    response = moderator_client.post(desk_url(), {"comment": "x", "action": "approve"})
    assert response.status_code == 302
    response = moderator_client.post(desk_url(), {"action": "undo"})
    assert response.status_code == 302
