"""Section desks (issue 24, item 7): moderators assigned categories; their queue opens on their
sections, their held-comment emails are only for them, the others' come as a daily count, and
the queue shows how many comments wait in each section."""

import datetime
from datetime import UTC

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import section_desks, tasks
from comments.models import Comment, SectionDesk
from comments.services import comment_post
from tests.factories import make_article, make_category, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

QUEUE = reverse("admin:comments_comment_changelist")
EN = {"accept-language": "en"}


def desk(user, *categories) -> SectionDesk:
    row = SectionDesk.objects.create(moderator=user)
    row.categories.set(categories)
    return row


@pytest.fixture
def newsroom(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    sport, culture, politics = (make_category(name=n) for n in ("Sport", "Cultura", "Politica"))
    people = {
        "sport_desk": make_user(groups=["Moderators"], email="sport@example.com"),
        "culture_desk": make_user(groups=["Moderators"], email="cultura@example.com"),
        "everything": make_user(groups=["Moderators"], email="tutto@example.com"),
    }
    desk(people["sport_desk"], sport)
    desk(people["culture_desk"], culture)
    return {"sport": sport, "culture": culture, "politics": politics, **people}


def held(capture, category, n=1):
    article = make_article(category=category)
    with capture():
        return [
            comment_post(
                article=article,
                body=f"Un commento in attesa numero {i} su {category}.",
                author_name="Lettore",
                author_email=f"lettore{i}@example.com",
            )
            for i in range(n)
        ]


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.recipients())


def test_a_held_comment_is_told_to_its_section_s_desk_and_to_those_without_one(
    newsroom, capture, mailoutbox
):
    (comment,) = held(capture, newsroom["sport"])
    assert comment.status == Comment.Status.PENDING
    assert recipients(mailoutbox) == ["sport@example.com", "tutto@example.com"]


def test_a_section_nobody_looks_after_is_told_to_those_without_a_desk(
    newsroom, capture, mailoutbox
):
    held(capture, newsroom["politics"])
    assert recipients(mailoutbox) == ["tutto@example.com"]


def test_a_section_nobody_looks_after_reaches_everyone_when_all_have_desks(
    newsroom, capture, mailoutbox
):
    newsroom["everything"].groups.clear()
    held(capture, newsroom["politics"])
    assert recipients(mailoutbox) == ["cultura@example.com", "sport@example.com"]


def test_the_daily_count_tells_each_desk_what_waits_elsewhere(newsroom, capture, mailoutbox):
    held(capture, newsroom["sport"], 2)
    held(capture, newsroom["culture"], 3)
    held(capture, None, 1)
    mailoutbox.clear()

    told = section_desks.desk_counts_send()

    assert told == 2  # the desks; the moderator without one already hears of everything
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"sport@example.com", "cultura@example.com"}
    sport = by_address["sport@example.com"].body
    assert "Cultura: 3" in sport and ": 1" in sport and "Sport:" not in sport
    culture = by_address["cultura@example.com"].body
    assert "Sport: 2" in culture and "Cultura:" not in culture
    assert "section=all" in culture
    assert "lettore" not in sport + culture  # no commenter's address, ever


def test_no_count_when_nothing_waits_elsewhere(newsroom, capture, mailoutbox):
    held(capture, newsroom["sport"], 2)
    mailoutbox.clear()
    assert section_desks.desk_counts_send() == 1  # culture's desk hears of sport's two
    assert [message.to[0] for message in mailoutbox] == ["cultura@example.com"]


def test_the_daily_count_runs_at_its_hour_in_rome_and_queues_itself_once(settings):
    settings.TIME_ZONE = "Europe/Rome"
    settings.COMMENTS_DESK_COUNT_HOUR = 8
    # 24 October 2026, 09:00 CEST: next is 25 October 08:00 CET (summer time has ended).
    now = datetime.datetime(2026, 10, 24, 7, 0, tzinfo=UTC)
    assert tasks.next_desk_count(now) == datetime.datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    early = datetime.datetime(2026, 10, 24, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert tasks.next_desk_count(early) == datetime.datetime(2026, 10, 24, 6, 0, tzinfo=UTC)


def test_the_queue_opens_on_the_moderator_s_sections(newsroom, capture, client):
    held(capture, newsroom["sport"], 2)
    held(capture, newsroom["culture"], 3)
    client.force_login(newsroom["sport_desk"])

    mine = client.get(QUEUE, headers=EN)
    assert mine.status_code == 200
    shown = list(mine.context["cl"].result_list)
    assert len(shown) == 2 and {c.article.category_id for c in shown} == {newsroom["sport"].pk}
    assert "My sections (2 waiting)" in mine.text
    assert "Cultura (3 waiting)" in mine.text
    assert "Sport (2 waiting)" in mine.text

    everything = client.get(QUEUE + "?section=all", headers=EN)
    assert len(everything.context["cl"].result_list) == 5
    culture = client.get(QUEUE + f"?section={newsroom['culture'].pk}", headers=EN)
    assert len(culture.context["cl"].result_list) == 3


def test_a_moderator_without_a_desk_sees_every_section_with_its_count(newsroom, capture, client):
    held(capture, newsroom["sport"], 2)
    held(capture, None, 1)
    client.force_login(newsroom["everything"])
    queue = client.get(QUEUE, headers=EN)
    assert len(queue.context["cl"].result_list) == 3
    assert "Sport (2 waiting)" in queue.text and "Without a section (1 waiting)" in queue.text
    assert "My sections" not in queue.text


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1"])
def test_a_forged_section_is_a_clear_answer_not_a_500(newsroom, client, value):
    client.force_login(newsroom["sport_desk"])
    response = client.get(QUEUE, {"section": value})
    assert response.status_code in (200, 302)  # Django's "?e=1" for bad lookups


def test_editors_assign_desks_to_moderators_only(newsroom, editor_client):
    add = reverse("admin:comments_sectiondesk_add")
    form = editor_client.get(add)
    assert form.status_code == 200
    choices = form.context["adminform"].form.fields["moderator"].queryset
    author = make_user(groups=["Authors"])
    assert newsroom["everything"] in choices and author not in choices
    response = editor_client.post(
        add,
        {"moderator": newsroom["everything"].pk, "categories": [newsroom["politics"].pk]},
    )
    assert response.status_code == 302
    assert list(newsroom["everything"].section_desk.categories.all()) == [newsroom["politics"]]


def test_moderators_may_read_the_desks_but_not_change_them(newsroom, client):
    client.force_login(newsroom["sport_desk"])
    assert client.get(reverse("admin:comments_sectiondesk_changelist")).status_code == 200
    assert client.get(reverse("admin:comments_sectiondesk_add")).status_code == 403


def test_a_worker_that_starts_queues_tomorrow_s_count_once(settings, database_tasks):
    from django_tasks_db.models import DBTaskResult

    from core.signals import worker_started

    worker_started.send(sender=None)
    worker_started.send(sender=None)
    queued = DBTaskResult.objects.filter(task_path="comments.tasks.send_desk_counts")
    assert queued.count() == 1
    assert queued.get().run_after > timezone.now()


def test_the_counts_follow_every_moderation_at_once(newsroom, capture, client):
    from comments.services import comment_set_status

    sport = held(capture, newsroom["sport"], 2)
    client.force_login(newsroom["everything"])
    assert "Sport (2 waiting)" in client.get(QUEUE, headers=EN).text
    comment_set_status(comment=sport[0], status=Comment.Status.APPROVED)
    assert "Sport (1 waiting)" in client.get(QUEUE, headers=EN).text
    held(capture, newsroom["culture"], 1)
    comment_set_status(comment=sport[1], status=Comment.Status.SPAM)  # the same number waits
    page = client.get(QUEUE, headers=EN).text
    assert "Cultura (1 waiting)" in page and "Sport (" not in page
