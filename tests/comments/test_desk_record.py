"""The moderators' desk: a commenter's record beside each of their comments (issue 24, item 1)."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from comments.identity import commenter_key
from comments.models import Comment, CommenterAddress, ModerationAction
from comments.services import comment_post
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

EMAIL = "Costanza.Riva@example.org"


def change_url(comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


def queue_url() -> str:
    return reverse("admin:comments_comment_changelist")


def record_of(page: str) -> str:
    start = page.index('id="commenter-record"')
    return page[start : page.index("</fieldset>", start)]


def many_comments(article, count: int, **identity):
    statuses = ["approved", "approved", "pending", "rejected", "spam"]
    return [
        make_comment(article, status=statuses[n % len(statuses)], **identity) for n in range(count)
    ]


def test_comments_of_one_address_share_a_key_whatever_the_case_and_it_is_no_address():
    article = make_article()
    first = make_comment(article, author_email=EMAIL)
    second = make_comment(article, author_email=EMAIL.lower())
    other = make_comment(article, author_email="altra@example.org")
    assert first.commenter == second.commenter != other.commenter
    assert first.commenter.startswith("e:") and "example" not in first.commenter
    user = make_user(is_staff=False, email=EMAIL)
    assert make_comment(article, user=user).commenter == f"u:{user.pk}"


def test_the_record_counts_each_status_reports_and_the_first_and_last(staff_client):
    article = make_article()
    mine = many_comments(article, 10, author_email=EMAIL)
    make_comment(article, author_email="altra@example.org")  # someone else: not counted
    mine[0].flags.create(reason="abuse", reporter="x", source="x")

    page = staff_client.get(change_url(mine[-1])).text
    record = record_of(page)

    cells = [c.split("<")[0] for c in record.split("<td>")[1:6]]
    assert cells == ["4", "2", "2", "2", "1"]  # approved, held, rejected, spam, reported
    assert "Affidabilità: 0" in record  # 4 approved - 2 rejected - 2 spam
    assert f"?commenter_of={mine[-1].pk}" in record
    assert record.count("admin/comments/comment/") >= 10


def test_the_record_lists_the_last_twenty_and_links_to_all_of_them(staff_client):
    article = make_article(title="Il pezzo del giorno")
    mine = many_comments(article, 25, author_email=EMAIL)

    record = record_of(staff_client.get(change_url(mine[0])).text)
    listed = [c.pk for c in mine if change_url(c) in record]
    assert listed == [c.pk for c in mine[-20:]]
    assert "Il pezzo del giorno" in record and "Tutti i suoi commenti (25)" in record

    everything = staff_client.get(queue_url(), {"commenter_of": mine[0].pk}).text
    assert all(change_url(c) in everything for c in mine)
    assert "25 commenti" in everything


def test_the_filtered_list_holds_only_that_commenter(moderator_client):
    article = make_article()
    mine = make_comment(article, author_email=EMAIL)
    theirs = make_comment(article, author_email="altra@example.org")
    page = moderator_client.get(queue_url(), {"commenter_of": mine.pk}).text
    assert change_url(mine) in page and change_url(theirs) not in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_record_takes_the_same_queries_at_5_and_at_50_comments(
    staff_client, count, django_assert_max_num_queries
):
    article = make_article()
    comments = many_comments(article, count, author_email=EMAIL)
    staff_client.get(change_url(comments[0]))  # warm the session and the settings cache
    with django_assert_max_num_queries(16):
        response = staff_client.get(change_url(comments[-1]))
    assert response.status_code == 200 and "commenter-record" in response.text


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_with_records_takes_the_same_queries_at_5_and_at_50_comments(
    staff_client, count, django_assert_max_num_queries
):
    article = make_article()
    for n in range(count):
        make_comment(article, author_email=f"lettore{n % 7}@example.org")
    staff_client.get(queue_url())
    # The record's column, the open reports' reasons and earlier versions of the shown rows, and
    # the section filter (the moderator's desk, the comments waiting per section).
    with django_assert_max_num_queries(12):
        response = staff_client.get(queue_url())
    assert response.status_code == 200 and "?commenter_of=" in response.text


def test_the_record_query_count_does_not_grow_with_the_comments(staff_client):
    """The same page at 5 and at 50 comments takes exactly as many queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article()
    counts = []
    for total in (5, 50):
        comments = many_comments(article, total, author_email=f"n{total}@example.org")
        staff_client.get(change_url(comments[-1]))
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(change_url(comments[-1]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_moderator_without_personal_data_permission_never_sees_the_address(client):
    from django.contrib.auth.models import Permission

    article = make_article()
    comment = make_comment(article, author_email=EMAIL)
    viewer = make_user()
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client.force_login(viewer)

    page = client.get(change_url(comment)).text
    assert "commenter-record" in page
    assert EMAIL not in page and EMAIL.lower() not in page
    assert comment.commenter[2:] not in page  # nor the hash
    queue = client.get(queue_url()).text
    assert EMAIL not in queue and comment.commenter[2:] not in queue


def test_a_moderator_allowed_personal_data_sees_the_address_in_the_record(moderator_client):
    comment = make_comment(make_article(), author_email=EMAIL)
    record = record_of(moderator_client.get(change_url(comment)).text)
    assert EMAIL in record and comment.commenter[2:] not in record


def test_the_record_says_whether_the_address_was_confirmed(staff_client):
    article = make_article()
    typed = make_comment(article, author_email="tipo@example.org")
    CommenterAddress.objects.create(email="prova@example.org", confirmed_at=timezone.now())
    proven = make_comment(article, author_email="prova@example.org")
    assert "mai confermato" in record_of(staff_client.get(change_url(typed)).text)
    assert "indirizzo confermato" in record_of(staff_client.get(change_url(proven)).text)


def test_the_record_shows_what_moderators_did_with_who_and_when(moderator_client, moderator):
    comment = make_comment(make_article(), status="pending", author_email=EMAIL)
    response = moderator_client.post(
        queue_url(), {"action": "reject", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    (action,) = ModerationAction.objects.all()
    assert (action.kind, action.moderator, action.previous_status) == (
        "rejected",
        moderator,
        "pending",
    )
    assert action.commenter == comment.commenter
    record = record_of(moderator_client.get(change_url(comment)).text)
    assert moderator.get_username() in record and "Rifiutato" in record


def test_the_migration_fills_the_key_of_existing_comments():
    article = make_article()
    user = make_user(is_staff=False)
    by_address = make_comment(article, author_email=EMAIL)
    by_account = make_comment(article, user=user)
    Comment.objects.update(commenter="")
    migration = importlib.import_module("comments.migrations.0014_commenter_desk")

    migration.fill_commenters(django_apps, None)

    by_address.refresh_from_db()
    by_account.refresh_from_db()
    assert by_address.commenter == commenter_key(user_id=None, email=EMAIL)
    assert by_account.commenter == f"u:{user.pk}"


def test_erasing_a_persons_data_forgets_their_key_in_comments_and_the_log(moderator):
    from comments.privacy import erase_comments
    from comments.services import comment_set_status

    comment = comment_post(
        article=make_article(), body="Da cancellare", author_name="A", author_email=EMAIL
    )
    comment_set_status(comment=comment, status="approved", moderator=moderator)
    erase_comments(EMAIL)
    comment.refresh_from_db()
    assert comment.commenter == ""
    assert ModerationAction.objects.get().commenter == ""


@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999999999999999"])
def test_a_forged_commenter_filter_is_no_server_error(moderator_client, value):
    response = moderator_client.get(queue_url(), {"commenter_of": value})
    assert response.status_code in (200, 302)


def test_the_moderators_log_is_readable_but_never_editable(moderator_client, moderator):
    comment = make_comment(make_article(), status="pending")
    moderator_client.post(queue_url(), {"action": "approve", "_selected_action": [comment.pk]})
    (action,) = ModerationAction.objects.all()
    log = moderator_client.get(reverse("admin:comments_moderationaction_changelist"))
    assert log.status_code == 200 and moderator.get_username() in log.text
    url = reverse("admin:comments_moderationaction_change", args=[action.pk])
    assert moderator_client.post(url, {"note": "riscritto"}).status_code == 403
    delete = reverse("admin:comments_moderationaction_delete", args=[action.pk])
    assert moderator_client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationAction.objects.get().note == ""


def test_searching_by_address_finds_nothing_for_a_moderator_who_may_not_see_addresses(client):
    """Otherwise a search would tell them whose the address is (which comments it wrote)."""
    from django.contrib.auth.models import Permission

    article = make_article()
    make_comment(article, author_email=EMAIL, author_name="Qualcuno")
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client.force_login(viewer)
    page = client.get(queue_url(), {"q": EMAIL})
    assert page.status_code == 200
    assert "Qualcuno" not in page.text

    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert "Qualcuno" in client.get(queue_url(), {"q": EMAIL}).text
