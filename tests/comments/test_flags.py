"""Readers report comments; enough different readers hide one until a moderator decides."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.flag_views import FlagForm
from comments.models import Comment, CommenterAddress, CommentFlag
from comments.services import comment_set_status
from tests.factories import (
    csrf_browser,
    csrf_post_data,
    make_article,
    make_author,
    make_comment,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]


EN = {"accept-language": "en"}


@pytest.fixture
def comment():
    return make_comment(make_article(), body="Un commento discutibile.")


def flag_data(comment, *, age_seconds=60, **fields) -> dict:
    with time_machine.travel(time.time() - age_seconds, tick=False):
        timestamp = FlagForm.sign(comment.pk)
    return {"reason": "abuse", "text": "", "timestamp": timestamp, "website_confirm": ""} | fields


def report(comment, ip="198.51.100.1", client=None, **fields):
    client = client or Client(REMOTE_ADDR=ip)
    url = reverse("comments:flag", args=[comment.pk])
    return client.post(url, flag_data(comment, **fields), headers=EN)


def test_every_published_comment_has_a_report_link_that_works_without_javascript(comment):
    page = Client().get(comment.article.get_absolute_url(), headers=EN).text
    url = reverse("comments:flag", args=[comment.pk])
    assert f'href="{url}"' in page
    form = Client().get(url, headers=EN)
    assert form.status_code == 200
    assert (
        "What is wrong with this comment?" in form.text and "Un commento discutibile." in form.text
    )


def test_a_report_is_recorded_with_its_reason_and_the_reader_thanked(comment):
    response = report(comment, reason="off_topic")
    assert response.status_code == 200 and "Thank you for your report" in response.text
    (flag,) = CommentFlag.objects.all()
    assert (flag.reason, flag.state) == ("off_topic", "open")
    assert "198.51.100.1" not in flag.reporter  # the address is not stored


def test_something_else_needs_details_and_keeps_what_was_typed(comment):
    response = report(comment, reason="other", text="")
    assert response.status_code == 400
    assert "Tell the moderators what is wrong with this comment." in response.text
    assert not CommentFlag.objects.exists()
    assert report(comment, reason="other", text="Dati personali di terzi.").status_code == 200
    assert CommentFlag.objects.get().text == "Dati personali di terzi."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"website_confirm": "http://spam.example"}, "looks automated"),
        ({"age_seconds": 0}, "That was very fast"),
        ({"timestamp": "forged"}, "could not be verified"),
        ({"reason": "nonsense"}, "Select a valid choice"),
    ],
)
def test_bot_checks_refuse_a_report_clearly(comment, fields, message):
    response = report(comment, **fields)
    assert response.status_code == 400 and message in response.text
    assert not CommentFlag.objects.exists()


def test_reports_are_rate_limited_per_address(settings):
    settings.COMMENTS_FLAG_RATE_LIMIT = 2
    article = make_article()
    comments = [make_comment(article) for _ in range(3)]
    assert report(comments[0]).status_code == 200
    assert report(comments[1]).status_code == 200
    refused = report(comments[2])
    assert refused.status_code == 429 and "wait an hour" in refused.text
    assert report(comments[2], ip="203.0.113.50").status_code == 200


def test_enough_different_readers_hide_the_comment_pending_review(comment, settings):
    settings.COMMENTS_FLAG_THRESHOLD = 2
    report(comment, ip="198.51.100.1")
    report(comment, ip="198.51.100.1", reason="spam")  # the same reader again: not counted
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    report(comment, ip="203.0.113.2")  # another network
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "segnalato da 2 lettori"
    assert "Un commento discutibile." not in Client().get(comment.article.get_absolute_url()).text


def test_a_logged_in_reader_counts_once_whatever_their_address(comment, settings):
    settings.COMMENTS_FLAG_THRESHOLD = 2
    reader = make_user(is_staff=False)
    for ip in ("198.51.100.7", "198.51.100.8"):
        browser = Client(REMOTE_ADDR=ip)
        browser.force_login(reader)
        report(comment, client=browser)
    assert CommentFlag.objects.count() == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_queue_shows_counts_and_reasons_and_filters_reported(comment, client):
    report(comment, ip="198.51.100.1", reason="abuse")
    report(comment, ip="198.51.100.2", reason="other", text="Insulta un lettore.")
    make_comment(comment.article, body="Nessuno lo segnala.")
    client.force_login(make_user(is_superuser=True))
    queue = client.get(reverse("admin:comments_comment_changelist") + "?reported=open").text
    assert "Un commento discutibile." in queue and "Nessuno lo segnala." not in queue
    assert '<td class="field-open_flags">2</td>' in queue
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).text
    assert "Insulta un lettore." in change


@pytest.mark.parametrize(
    ("decision", "state"),
    [("approved", "dismissed"), ("rejected", "actioned"), ("spam", "actioned")],
)
def test_moderators_dismiss_or_act_on_reports(comment, settings, decision, state):
    settings.COMMENTS_FLAG_THRESHOLD = 1
    report(comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    comment_set_status(comment=comment, status=decision)
    assert set(CommentFlag.objects.values_list("state", flat=True)) == {state}
    if decision == "approved":
        # Dismissed reports no longer count: the next reader alone is one report, not two.
        settings.COMMENTS_FLAG_THRESHOLD = 2
        report(comment, ip="203.0.113.99")
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED


def test_a_comment_not_published_cannot_be_reported(comment):
    held = make_comment(comment.article, status="pending")
    assert Client().get(reverse("comments:flag", args=[held.pk])).status_code == 404
    assert report(held).status_code == 404


def test_reports_never_hide_a_comment_when_the_threshold_is_zero(comment, settings):
    settings.COMMENTS_FLAG_THRESHOLD = 0
    for n in range(4):
        report(comment, ip=f"198.51.{n}.1")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("decision", "state"),
    [("approved", "dismissed"), ("rejected", "actioned"), ("spam", "actioned")],
)
def test_bulk_moderation_resolves_the_reports_too(comment, settings, decision, state):
    """The admin's actions moderate through comments_set_status: reports follow as for one."""
    from comments.services import comments_set_status

    settings.COMMENTS_FLAG_THRESHOLD = 1
    report(comment)

    comments_set_status(comments=Comment.objects.filter(pk=comment.pk), status=decision)

    assert set(CommentFlag.objects.values_list("state", flat=True)) == {state}


# Reports cannot censor: networks, not addresses, count; some comments go to the moderators
# instead of off the page; readers whose reports keep being dismissed stop counting.


def report_from(comment, ip: str, **fields):
    """A report as a real server gets it: CSRF checked, errors answered."""
    data = csrf_post_data(flag_data(comment, **fields))
    return csrf_browser(ip).post(reverse("comments:flag", args=[comment.pk]), data, headers=EN)


def reported_by(comment, ips) -> Comment:
    for ip in ips:
        assert report_from(comment, ip).status_code == 200
    comment.refresh_from_db()
    return comment


ONE_24 = ["198.51.100.1", "198.51.100.77", "198.51.100.250"]
ONE_64 = ["2001:db8:5:6::1", "2001:db8:5:6:aaaa::2", "2001:db8:5:6:ffff:1:2:3"]
THREE_NETWORKS = ["198.51.100.1", "203.0.113.1", "2001:db8:9:9::1"]


@pytest.fixture
def threshold_3(settings):
    settings.COMMENTS_FLAG_THRESHOLD = 3


@pytest.mark.usefixtures("threshold_3")
@pytest.mark.parametrize("ips", [ONE_24, ONE_64], ids=["ipv4-24", "ipv6-64"])
def test_three_addresses_of_one_network_do_not_hide_a_comment(comment, ips):
    assert reported_by(comment, ips).status == Comment.Status.APPROVED
    assert CommentFlag.objects.filter(comment=comment, state="open").count() == 3
    assert "Un commento discutibile." in Client().get(comment.article.get_absolute_url()).text


@pytest.mark.usefixtures("threshold_3")
def test_three_networks_hide_a_comment(comment):
    assert reported_by(comment, THREE_NETWORKS).status == Comment.Status.PENDING
    assert "Un commento discutibile." not in Client().get(comment.article.get_absolute_url()).text


@pytest.mark.usefixtures("threshold_3")
def test_accounts_count_one_each_whatever_their_network(comment):
    for _ in range(3):
        browser = csrf_browser("198.51.100.5")
        browser.force_login(make_user(is_staff=False))
        data = csrf_post_data(flag_data(comment))
        assert browser.post(reverse("comments:flag", args=[comment.pk]), data).status_code == 200
    assert CommentFlag.objects.values("source").distinct().count() == 3
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def staff_comment(article):
    return make_comment(article, user=make_user(is_staff=True), body="Dalla redazione.")


def author_comment(article):
    return make_comment(article, user=article.author.user, body="Dalla autrice.")


def good_standing_comment(article):
    """A reader with a proven address and five approved comments before this one."""
    CommenterAddress.objects.create(email="habitue@example.org", confirmed_at=timezone.now())
    for _ in range(5):
        make_comment(article, author_email="Habitue@example.org")
    return make_comment(article, author_email="habitue@example.org", body="Da una habitué.")


@pytest.mark.usefixtures("threshold_3")
@pytest.mark.parametrize(
    "make", [staff_comment, author_comment, good_standing_comment], ids=["staff", "author", "good"]
)
def test_protected_comments_go_to_the_moderators_with_their_reports_not_off_the_page(
    make, mailoutbox, settings, capture
):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    article = make_article(author=make_author(user=make_user(is_staff=False)))
    moderator = make_user(groups=["Moderators"], email="moderatrice@example.org")
    protected = make(article)
    mailoutbox.clear()

    with capture():
        assert reported_by(protected, THREE_NETWORKS).status == Comment.Status.APPROVED

    assert protected.body in Client().get(article.get_absolute_url()).text
    (told,) = mailoutbox
    assert told.to == [moderator.email] and protected.body in told.body
    assert "?reported=open" in told.body
    browser = Client()
    browser.force_login(moderator)
    queue = browser.get(reverse("admin:comments_comment_changelist") + "?reported=open").text
    assert protected.body in queue
    with capture():
        reported_by(protected, ["192.0.2.1"])  # a fourth report: the moderators were told already
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("threshold_3")
def test_a_typed_address_with_many_approved_comments_but_never_proved_is_not_protected(comment):
    for _ in range(5):
        make_comment(comment.article, author_email=comment.author_email)
    assert reported_by(comment, THREE_NETWORKS).status == Comment.Status.PENDING


@pytest.mark.usefixtures("threshold_3")
def test_a_reader_whose_reports_moderators_keep_dismissing_stops_counting(settings):
    settings.COMMENTS_FLAG_DISMISSED_LIMIT = 3
    settings.COMMENTS_FLAG_THRESHOLD = 1
    article = make_article()
    nag = "198.51.100.9"
    for _ in range(3):  # each report hides (threshold 1); a moderator puts it back
        target = reported_by(make_comment(article), [nag])
        assert target.status == Comment.Status.PENDING
        comment_set_status(comment=target, status="approved")

    settings.COMMENTS_FLAG_THRESHOLD = 3
    target = make_comment(article, body="Un parere scomodo.")
    # The nag (from another address of the same network) and two others: two counted, not three.
    assert reported_by(target, ["198.51.100.10", "203.0.113.1", "192.0.2.1"]).status == "approved"
    assert reported_by(target, ["2001:db8::1"]).status == Comment.Status.PENDING
