"""Suspensions and bans (issue 24, item 4): refused neutrally with the text kept when the poster
proved who they are, taken straight to spam when only a typed address names them; an end that
lifts itself; one action to suspend, one to send pending comments to spam; all logged."""

import datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from comments.identity import commenter_key
from comments.models import Comment, CommenterAddress, ModerationAction, Suspension
from comments.verification import PROOF_COOKIE, remember_proof
from tests.comments.helpers import post_url, textarea_text
from tests.factories import (
    csrf_browser,
    csrf_post_data,
    make_article,
    make_comment,
    make_user,
    post_form_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

EMAIL = "troll@example.org"
TEXT = "Il testo che avevo scritto con tanta cura."
EN = {"accept-language": "en"}
QUEUE = reverse("admin:comments_comment_changelist")


def suspend(*, commenter="", ip_network="", days=7):
    ends = None if days is None else timezone.now() + datetime.timedelta(days=days)
    return Suspension.objects.create(
        commenter=commenter, ip_network=ip_network, label="X", reason="insulti", ends_at=ends
    )


def send(browser, article, **fields):
    data = post_form_data(article, body=TEXT, **fields)
    return browser.post(post_url(article), csrf_post_data(data), headers=EN)


def prove(browser, email=EMAIL):
    """The cookie a browser gets by following the confirmation link (comments.verification)."""
    address = CommenterAddress.objects.create(email=email, confirmed_at=timezone.now())
    response = HttpResponse()
    remember_proof(response, address)
    browser.cookies[PROOF_COOKIE] = response.cookies[PROOF_COOKIE].value


def assert_refused_keeping_the_text(response):
    assert response.status_code == 403
    assert "You cannot post comments at the moment." in response.text
    assert textarea_text(response.text).strip() == TEXT
    assert not Comment.objects.filter(body=TEXT).exists()


def test_a_suspended_account_is_refused_neutrally_and_keeps_its_text():
    reader = make_user(is_staff=False, email="conto@example.org")
    suspend(commenter=commenter_key(user_id=reader.pk, email=""))
    browser = csrf_browser()
    browser.force_login(reader)
    assert_refused_keeping_the_text(send(browser, make_article()))


def test_a_suspended_address_the_browser_proved_is_refused():
    suspend(commenter=commenter_key(user_id=None, email=EMAIL))
    browser = csrf_browser()
    prove(browser)
    assert_refused_keeping_the_text(send(browser, make_article(), author_email=EMAIL.upper()))


def test_a_suspended_address_merely_typed_is_taken_and_goes_quietly_to_spam():
    """A refusal would tell whoever types the address that its owner is suspended."""
    suspend(commenter=commenter_key(user_id=None, email=EMAIL))
    article = make_article()
    response = send(csrf_browser(), article, author_email=EMAIL)
    assert response.status_code == 302
    comment = Comment.objects.get(body=TEXT)
    assert (comment.status, comment.held_rule) == ("spam", "suspended")
    assert comment.held_reason == "commentatore sospeso"


def test_a_suspended_network_refuses_every_address_in_it():
    suspend(ip_network="198.51.100.0/24")
    assert_refused_keeping_the_text(send(csrf_browser(ip="198.51.100.77"), make_article()))
    assert send(csrf_browser(ip="203.0.113.5"), make_article()).status_code == 302


def test_a_suspension_lifts_itself_at_its_end_and_a_ban_never_does():
    reader = make_user(is_staff=False)
    suspend(commenter=commenter_key(user_id=reader.pk, email=""), days=7)
    browser = csrf_browser()
    browser.force_login(reader)
    article = make_article()
    assert send(browser, article).status_code == 403
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert send(browser, article).status_code == 302

    banned = make_user(is_staff=False)
    suspend(commenter=commenter_key(user_id=banned.pk, email=""), days=None)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        browser.force_login(banned)
        assert send(browser, article).status_code == 403


def test_moderators_suspend_from_the_queue_and_send_pending_comments_to_spam(
    moderator_client, moderator
):
    article = make_article()
    first = make_comment(article, author_email=EMAIL, author_name="Troll", status="pending")
    second = make_comment(article, author_email=EMAIL, status="pending")
    bystander = make_comment(article, status="pending")
    selected = {"action": "suspend_commenters", "_selected_action": [first.pk]}

    form = moderator_client.post(QUEUE, selected)
    assert form.status_code == 200 and "Troll" in form.text and EMAIL not in form.text
    data = selected | {"apply": "yes", "period": "7", "reason": "Insulti", "spam_pending": "on"}
    assert moderator_client.post(QUEUE, data).status_code == 302

    (suspension,) = Suspension.objects.all()
    assert suspension.commenter == first.commenter and suspension.is_active()
    assert suspension.created_by == moderator and suspension.ends_at is not None
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == "spam"
    assert statuses[bystander.pk] == "pending"
    kinds = sorted(ModerationAction.objects.values_list("kind", flat=True))
    assert kinds == ["spam", "spam", "suspended"]


def test_a_suspension_form_without_a_reason_comes_back_clearly(moderator_client):
    comment = make_comment(make_article(), status="pending")
    data = {"action": "suspend_commenters", "_selected_action": [comment.pk], "apply": "yes"}
    response = moderator_client.post(QUEUE, data | {"period": "ban", "reason": ""})
    assert response.status_code == 200 and not Suspension.objects.exists()


def test_lifting_a_suspension_is_logged_and_lets_them_comment(moderator_client, moderator):
    reader = make_user(is_staff=False)
    comment = make_comment(make_article(), user=reader)
    suspension = suspend(commenter=comment.commenter)
    url = reverse("admin:comments_suspension_changelist")
    page = moderator_client.get(url)
    assert page.status_code == 200 and "X" in page.text

    moderator_client.post(url, {"action": "lift", "_selected_action": [suspension.pk]})

    suspension.refresh_from_db()
    assert suspension.lifted_at is not None and not suspension.is_active()
    (action,) = ModerationAction.objects.filter(kind="lifted")
    assert action.moderator == moderator and action.commenter == comment.commenter
    browser = csrf_browser()
    browser.force_login(reader)
    assert send(browser, comment.article).status_code == 302


def test_the_suspension_admin_sends_pending_comments_to_spam_in_one_action(moderator_client):
    article = make_article()
    pending = make_comment(article, author_email=EMAIL, status="pending")
    suspension = suspend(commenter=pending.commenter)
    url = reverse("admin:comments_suspension_changelist")
    moderator_client.post(url, {"action": "spam_pending", "_selected_action": [suspension.pk]})
    pending.refresh_from_db()
    assert pending.status == "spam"


def test_the_suspension_pages_never_show_an_address(moderator_client):
    comment = make_comment(make_article(), author_email=EMAIL, author_name="Troll")
    moderator_client.post(
        QUEUE,
        {"action": "suspend_commenters", "_selected_action": [comment.pk], "apply": "yes",
         "period": "30", "reason": "Spam"},
    )  # fmt: skip
    suspension = Suspension.objects.get()
    for url in (
        reverse("admin:comments_suspension_changelist"),
        reverse("admin:comments_suspension_change", args=[suspension.pk]),
    ):
        page = moderator_client.get(url).text
        assert "Troll" in page and EMAIL not in page and comment.commenter[2:] not in page


def test_the_record_says_the_commenter_is_suspended(moderator_client):
    comment = make_comment(make_article(), author_email=EMAIL)
    suspend(commenter=comment.commenter, days=None)
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).text
    assert "Bandito: insulti" in page


@pytest.mark.parametrize("period", ["forever", "-1", ""])
def test_a_forged_period_is_refused_in_the_form_not_a_server_error(client, period):
    moderator = make_user(groups=["Moderators"])
    client.force_login(moderator)
    comment = make_comment(make_article())
    data = {"action": "suspend_commenters", "_selected_action": [comment.pk], "apply": "yes"}
    response = client.post(QUEUE, data | {"period": period, "reason": "x"})
    assert response.status_code == 200 and not Suspension.objects.exists()


def test_a_moderator_lengthens_a_suspension_on_its_page(moderator_client):
    comment = make_comment(make_article())
    suspension = suspend(commenter=comment.commenter)
    url = reverse("admin:comments_suspension_change", args=[suspension.pk])
    response = moderator_client.post(url, {"reason": "Recidivo", "ends_at_0": "", "ends_at_1": ""})
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert (suspension.reason, suspension.is_ban) == ("Recidivo", True)
    (logged,) = ModerationAction.objects.filter(kind="amended")
    assert logged.note == "Recidivo" and logged.commenter == comment.commenter
