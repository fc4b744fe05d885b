"""Comment hours (issue 24, item 8): discussions close at set hours and days, site-wide or per
section, in Europe/Rome across the changes of summer time, and reopen by themselves; the form
says when, a post at a closed hour keeps its text, and kept pages retire at each boundary."""

import datetime
from datetime import UTC, time

import pytest
import time_machine
from django.urls import reverse

from comments import article_section, discussion, hours
from comments.hours import Hours
from comments.models import Comment, DiscussionSettings, SectionHours
from tests.comments.helpers import post_url, textarea_text
from tests.factories import (
    csrf_browser,
    csrf_post_data,
    make_article,
    make_category,
    post_form_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

NIGHT = Hours(time(23), time(7))
TEXT = "Scritto a mezzanotte, con tutta la calma del mondo."
EN = {"accept-language": "en"}


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def rome(settings):
    settings.TIME_ZONE = "Europe/Rome"


@pytest.fixture
def night(settings):
    """The site closes its discussions from 23:00 to 07:00 and all weekend."""
    settings.COMMENTS_CLOSED_FROM = time(23)
    settings.COMMENTS_CLOSED_UNTIL = time(7)
    settings.COMMENTS_CLOSED_DAYS = ""


def test_a_night_is_read_on_the_wall_clock_of_rome():
    # Tuesday 8 December 2026, winter time (UTC+1).
    assert not NIGHT.closed_at(utc(2026, 12, 8, 21, 59))  # 22:59
    assert NIGHT.closed_at(utc(2026, 12, 8, 22, 0))  # 23:00
    assert NIGHT.closed_at(utc(2026, 12, 9, 5, 59))  # 06:59
    assert not NIGHT.closed_at(utc(2026, 12, 9, 6, 0))  # 07:00
    assert NIGHT.next_change(utc(2026, 12, 8, 23, 30)) == utc(2026, 12, 9, 6, 0)
    assert NIGHT.last_change(utc(2026, 12, 8, 23, 30)) == utc(2026, 12, 8, 22, 0)


def test_the_night_summer_time_begins_is_an_hour_shorter():
    """29 March 2026: 23:00 CET to 07:00 CEST is seven hours."""
    closes = utc(2026, 3, 28, 22, 0)  # Saturday 23:00 CET
    assert NIGHT.next_change(closes - datetime.timedelta(minutes=1)) == closes
    reopens = NIGHT.next_change(closes)
    assert reopens == utc(2026, 3, 29, 5, 0)  # Sunday 07:00 CEST
    assert reopens - closes == datetime.timedelta(hours=7)


def test_the_night_summer_time_ends_is_an_hour_longer():
    """25 October 2026: 23:00 CEST to 07:00 CET is nine hours."""
    closes = utc(2026, 10, 24, 21, 0)  # Saturday 23:00 CEST
    reopens = NIGHT.next_change(closes)
    assert reopens == utc(2026, 10, 25, 6, 0)  # Sunday 07:00 CET
    assert reopens - closes == datetime.timedelta(hours=9)
    assert NIGHT.closed_at(utc(2026, 10, 25, 0, 30))  # 02:30 CEST, the first time
    assert NIGHT.closed_at(utc(2026, 10, 25, 1, 30))  # 02:30 CET, the second time


def test_a_closing_time_that_does_not_exist_that_night_closes_at_the_jump():
    """02:30 does not exist on 29 March: the clock jumps from 02:00 to 03:00 at 01:00 UTC."""
    hours_ = Hours(time(2, 30), time(6))
    assert hours_.next_change(utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 1, 0)
    assert hours_.closed_at(utc(2026, 3, 29, 1, 0))
    assert not hours_.closed_at(utc(2026, 3, 29, 0, 59, 59))


def test_closed_days_are_whole_days_of_rome():
    weekend = Hours(closed_days=frozenset({6, 7}))
    friday_noon = utc(2026, 3, 27, 11, 0)
    assert not weekend.closed_at(friday_noon)
    closes = weekend.next_change(friday_noon)
    assert closes == utc(2026, 3, 27, 23, 0)  # Saturday 00:00 CET
    assert weekend.next_change(closes) == utc(2026, 3, 29, 22, 0)  # Monday 00:00 CEST


def test_every_day_closed_is_never_taken_as_closed_for_good():
    row = DiscussionSettings.from_django_settings()
    row.closed_days = "1,2,3,4,5,6,7"
    assert not Hours.of(row).ever_closed


@time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False)  # 00:30 in Rome
def test_a_post_at_a_closed_hour_is_refused_keeping_the_text_and_saying_when(night):
    article = make_article()
    browser = csrf_browser()
    data = post_form_data(article, body=TEXT)
    response = browser.post(post_url(article), csrf_post_data(data), headers=EN)
    assert response.status_code == 403
    assert textarea_text(response.text) == TEXT
    assert "They reopen on Wednesday 9 December at 07:00." in response.text
    assert not Comment.objects.exists()


def test_the_page_says_when_they_reopen_and_opens_by_itself(night, client):
    article = make_article()
    with time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False):
        page = client.get(article.get_absolute_url(), headers=EN)
        assert "They reopen on Wednesday 9 December at 07:00." in page.text
        assert 'id="commentform"' not in page.text
    with time_machine.travel(utc(2026, 12, 9, 6, 0, 1), tick=False):
        page = client.get(article.get_absolute_url(), headers=EN)
        assert 'id="commentform"' in page.text
        assert "They reopen" not in page.text


def test_the_kept_page_is_fresh_until_the_next_boundary(night):
    article = make_article()
    with time_machine.travel(utc(2026, 12, 8, 12, 0), tick=False):
        assert article_section.fresh_until(article) == utc(2026, 12, 8, 22, 0).timestamp()
    with time_machine.travel(utc(2026, 12, 8, 23, 0), tick=False):
        assert article_section.fresh_until(article) == utc(2026, 12, 9, 6, 0).timestamp()


def test_a_kept_page_is_retired_at_the_boundary(night, settings, client):
    """An anonymous reader's kept page at 22:59 does not outlive 23:00."""
    settings.PAGE_CACHE_ENABLED = True
    article = make_article()
    url = article.get_absolute_url()
    with time_machine.travel(utc(2026, 12, 8, 21, 58), tick=False):
        assert 'id="commentform"' in client.get(url).text
        assert 'id="commentform"' in client.get(url).text  # served kept
    with time_machine.travel(utc(2026, 12, 8, 22, 0, 1), tick=False):
        page = client.get(url)
        assert 'id="commentform"' not in page.text
        assert "comments-hours" in page.text


def test_a_section_with_its_own_hours_replaces_the_site_hours(night):
    open_all_night = make_category()
    SectionHours.objects.create(category=open_all_night)
    weekend_only = make_category()
    SectionHours.objects.create(category=weekend_only, closed_days="6,7")
    plain = make_article()
    sport = make_article(category=open_all_night)
    culture = make_article(category=weekend_only)
    with time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False):  # a Tuesday night
        assert hours.reopens_at(plain) == utc(2026, 12, 9, 6, 0)
        assert hours.reopens_at(sport) is None
        assert hours.reopens_at(culture) is None
    with time_machine.travel(utc(2026, 12, 12, 11, 0), tick=False):  # a Saturday
        assert hours.reopens_at(culture) == utc(2026, 12, 13, 23, 0)
        assert hours.reopens_at(plain) is None


def test_saving_a_section_s_hours_takes_effect_at_once(night):
    section = make_category()
    article = make_article(category=section)
    with time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False):
        assert hours.reopens_at(article) is not None
        row = SectionHours.objects.create(category=section)
        assert hours.reopens_at(article) is None
        row.delete()
        assert hours.reopens_at(article) is not None


def test_the_discussion_settings_take_hours_and_days(editor_client):
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    form = editor_client.get(url)
    assert form.status_code == 200 and 'name="closed_days"' in form.text
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name != "closed_days"
    }
    data |= {"closed_from": "23:00", "closed_until": "07:00", "closed_days": ["6", "7"]}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rules = discussion.current()
    assert (rules.closed_from, rules.closed_until, rules.closed_days) == (time(23), time(7), "6,7")
    every_day = editor_client.post(
        url, data | {"closed_days": [str(d) for d in range(1, 8)]}, headers=EN
    )
    assert every_day.status_code == 200
    assert "open on at least one day" in every_day.text
    half = editor_client.post(url, data | {"closed_until": ""})
    assert half.status_code == 200


def test_the_api_reads_open_and_closed_from_the_same_rule(night, client):
    article = make_article()
    url = reverse("api:article_comments", kwargs={"article_id": article.pk})
    with time_machine.travel(utc(2026, 12, 8, 21, 0), tick=False):  # 22:00 in Rome
        day = client.get(url)
        assert day.json()["open"] is True and day.json()["reopens_at"] is None
    with time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False):
        # A client holding the evening's answer is not told it is unchanged at night.
        night_answer = client.get(url, headers={"if-none-match": day["ETag"]})
        assert night_answer.status_code == 200
        body = night_answer.json()
        assert body["open"] is False
        reopens = datetime.datetime.fromisoformat(body["reopens_at"])
        assert reopens == utc(2026, 12, 9, 6, 0)


def test_the_api_says_closed_for_good_without_a_reopening(client):
    article = make_article(comments_enabled=False)
    url = reverse("api:article_comments", kwargs={"article_id": article.pk})
    body = client.get(url).json()
    assert body["open"] is False and body["reopens_at"] is None


@time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False)
def test_the_italian_page_says_when_in_italian(night, client):
    page = client.get(make_article().get_absolute_url(), headers={"accept-language": "it"})
    assert "Riaprono mercoledì 9 dicembre alle 07:00." in page.text


def test_rules_kept_by_code_without_the_hours_are_read_again(night):
    """After a deploy, the shared cache may hold the rules pickled by the code before the
    comment hours: without their fields, and for defaults no row holds."""
    from django.core.cache import cache

    from comments import conf

    old = DiscussionSettings.from_django_settings()
    for name in ("closed_from", "closed_until", "closed_days"):
        del old.__dict__[name]
    cache.set(conf.DISCUSSION_CACHE_KEY, old, timeout=None)
    with time_machine.travel(utc(2026, 12, 8, 23, 30), tick=False):
        assert hours.reopens_at(make_article()) == utc(2026, 12, 9, 6, 0)
