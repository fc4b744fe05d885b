"""Readers' writes through the API: the forms' bot checks, rules, limits and answers, in JSON."""

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentFlag, CommentRevision, DiscussionFollower, Suspension
from newsletter.models import Subscriber
from tests.factories import (
    csrf_browser,
    make_article,
    make_comment,
    make_user,
    post_form_data,
)

pytestmark = pytest.mark.django_db
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
IP = "198.51.100.20"


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    # The "too fast" check has its own test; the others send their token at once.
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLAG_MIN_SECONDS = 0
    settings.NEWSLETTER_MIN_SECONDS = 0


def client(**extra) -> Client:
    """An API client as a real server meets it: CSRF checked, a CSRF cookie from an earlier
    visit to the site, and a 500 answered as a 500 (the test client's defaults skip the
    check and raise instead)."""
    from django.conf import settings

    from tests.factories import CSRF_SECRET

    browser = Client(
        enforce_csrf_checks=True, raise_request_exception=False, REMOTE_ADDR=IP, **extra
    )
    browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return browser


def token(form: str, target: int = 0, browser=None) -> str:
    browser = browser or client()
    response = browser.get(f"/api/v1/botcheck/{form}/", {"target": target} if target else {})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()["token"]


def send(method: str, path: str, data: dict, browser=None, **headers):
    browser = browser or client()
    return getattr(browser, method)(
        path, json.dumps(data), content_type="application/json", headers=headers
    )


def comment_data(article, **fields) -> dict:
    data = {
        "article": article.pk,
        "author_name": "Lettrice",
        "author_email": "lettrice@example.com",
        "body": "Un commento dall'app.",
        "token": token("comment", article.pk),
    }
    return {**data, **fields}


def assert_nothing_personal(response):
    assert EMAIL.findall(response.content.decode()) == []


def test_a_comment_is_held_by_the_rules_and_the_answer_says_so_and_nothing_personal():
    article = make_article()
    response = send("post", "/api/v1/comments/", comment_data(article))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "held"
    assert body["message"] == "Il tuo commento è in attesa di moderazione."
    assert body["url"] is None
    comment = Comment.objects.get(pk=body["id"])
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == IP and comment.user is None
    assert_nothing_personal(response)


def test_an_approved_reply_has_its_address(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()
    parent = make_comment(article)
    response = send("post", "/api/v1/comments/", comment_data(article, parent=parent.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert body["url"] == f"http://testserver/commento/{body['id']}/"
    assert Comment.objects.get(pk=body["id"]).parent_id == parent.pk


def test_a_spam_comment_is_answered_as_held(settings):
    settings.COMMENTS_SPAM_LIST = "casinò"
    article = make_article()
    response = send("post", "/api/v1/comments/", comment_data(article, body="Vinci al casinò"))
    assert response.json()["status"] == "held"
    assert Comment.objects.get(pk=response.json()["id"]).status == Comment.Status.SPAM


def test_the_bot_check_token_is_required_signed_single_use_and_for_its_article():
    article, other = make_article(), make_article()
    missing = send("post", "/api/v1/comments/", comment_data(article, token=""))
    assert missing.status_code == 400
    assert [e["parameter"] for e in missing.json()["errors"]] == ["token"]
    forged = send("post", "/api/v1/comments/", comment_data(article, token="x:y:z"))
    assert forged.json()["errors"][0]["reason"] == (
        "Non è stato possibile verificare il modulo. Invia di nuovo il commento."
    )
    elsewhere = send(
        "post", "/api/v1/comments/", comment_data(article, token=token("comment", other.pk))
    )
    assert elsewhere.status_code == 400
    data = comment_data(article)
    assert send("post", "/api/v1/comments/", data).status_code == 201
    again = send("post", "/api/v1/comments/", {**data, "body": "Un altro."})
    assert again.status_code == 400
    assert again.json()["errors"][0]["parameter"] == "token"
    assert Comment.objects.count() == 1


def test_a_token_sent_too_soon_is_refused_with_the_forms_message(settings):
    settings.COMMENTS_MIN_SECONDS = 3
    article = make_article()
    issued = client().get(f"/api/v1/botcheck/comment/?target={article.pk}").json()
    assert issued["usable_after"] == 3
    data = comment_data(article, token=issued["token"])
    refused = send("post", "/api/v1/comments/", data, **{"Accept-Language": "en"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["reason"].startswith("That was very fast.")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        fresh = token("comment", article.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        assert (
            send("post", "/api/v1/comments/", comment_data(article, token=fresh)).status_code == 201
        )


def test_bad_fields_come_back_named_with_the_forms_messages():
    article = make_article()
    response = send(
        "post",
        "/api/v1/comments/",
        comment_data(article, author_email="non-un-indirizzo", body="  "),
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 400
    errors = {e["parameter"]: e["reason"] for e in response.json()["errors"]}
    assert errors["author_email"] == "Enter a valid email address."
    assert errors["body"] == "This field is required." or errors["body"].startswith("Write")
    assert "non-un-indirizzo" not in response.content.decode()


def test_closed_discussions_drafts_and_suspensions_are_refused_as_on_the_form():
    closed = make_article(comments_enabled=False)
    response = send("post", "/api/v1/comments/", comment_data(closed))
    assert response.status_code == 403
    assert response.json()["detail"] == "I commenti a questo articolo sono chiusi."
    draft = make_article(status="draft")
    assert (
        send("post", "/api/v1/comments/", {**comment_data(closed), "article": draft.pk}).status_code
        == 404
    )
    Suspension.objects.create(ip_network="198.51.100.0/24", label="X", reason="insulti")
    article = make_article()
    suspended = send("post", "/api/v1/comments/", comment_data(article))
    assert suspended.status_code == 403
    assert suspended.json()["detail"] == "Al momento non puoi pubblicare commenti."
    assert not Comment.objects.exists()


def test_the_comment_rate_limit_is_the_forms_and_shared_with_it(settings):
    settings.COMMENTS_RATE_LIMIT = 2
    article = make_article()
    browser = csrf_browser(ip=IP)
    from tests.factories import csrf_post_data

    browser.post(f"/commenti/articolo/{article.pk}/", csrf_post_data(post_form_data(article)))
    assert send("post", "/api/v1/comments/", comment_data(article)).status_code == 201
    limited = send("post", "/api/v1/comments/", comment_data(article, body="Ancora."))
    assert limited.status_code == 429
    assert limited.json()["detail"].startswith("Stai commentando troppo in fretta.")


def test_a_logged_in_browser_writes_nothing_as_its_user_and_needs_no_csrf():
    staff = make_user(is_superuser=True)
    article = make_article()
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False, REMOTE_ADDR=IP)
    browser.force_login(staff)
    response = send("post", "/api/v1/comments/", comment_data(article), browser=browser)
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert comment.user is None and comment.author_role == ""
    assert comment.status == Comment.Status.PENDING


def test_a_body_not_declared_json_is_refused():
    # What a form on another site can send without a CORS preflight.
    article = make_article()
    response = client().post(
        "/api/v1/comments/", json.dumps(comment_data(article)), content_type="text/plain"
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert not Comment.objects.exists()


def test_editing_within_the_window_with_the_edit_token():
    article = make_article()
    posted = send("post", "/api/v1/comments/", comment_data(article)).json()
    assert posted["edit_token"] and posted["edit_until"]
    path = f"/api/v1/comments/{posted['id']}/"
    wrong = send("patch", path, {"body": "Corretto.", "edit_token": "0" * 64})
    assert wrong.status_code == 403
    assert (
        wrong.json()["detail"] == "Questo codice di modifica non è stato dato per questo commento."
    )
    edited = send("patch", path, {"body": "Corretto.", "edit_token": posted["edit_token"]})
    assert edited.status_code == 200, edited.content
    comment = Comment.objects.get(pk=posted["id"])
    assert comment.body == "Corretto." and comment.edited_at is not None
    assert CommentRevision.objects.filter(comment=comment, body="Un commento dall'app.").exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        late = send("patch", path, {"body": "Troppo tardi.", "edit_token": posted["edit_token"]})
    assert late.status_code == 403
    assert "10 minuti" in late.json()["detail"]


def test_an_edit_token_of_one_comment_edits_no_other():
    article = make_article()
    first = send("post", "/api/v1/comments/", comment_data(article)).json()
    second = send("post", "/api/v1/comments/", comment_data(article, body="Secondo.")).json()
    response = send(
        "patch",
        f"/api/v1/comments/{second['id']}/",
        {"body": "X", "edit_token": first["edit_token"]},
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=second["id"]).body == "Secondo."


def test_reporting_a_comment(settings):
    article = make_article()
    comment = make_comment(article)
    path = f"/api/v1/comments/{comment.pk}/reports/"
    vague = send(
        "post", path, {"reason": "other", "text": "", "token": token("report", comment.pk)}
    )
    assert vague.status_code == 400
    assert vague.json()["errors"][0]["parameter"] == "text"
    response = send("post", path, {"reason": "spam", "token": token("report", comment.pk)})
    assert response.status_code == 202
    assert response.json()["message"] == "Un moderatore esaminerà il commento."
    flag = CommentFlag.objects.get()
    assert flag.comment == comment and flag.reason == "spam"
    again = send("post", path, {"reason": "spam", "token": token("report", comment.pk)})
    assert again.status_code == 202 and again.json() == response.json()
    held = make_comment(article, status="pending")
    assert client().get(f"/api/v1/botcheck/report/?target={held.pk}").status_code == 404


def test_following_a_discussion_answers_the_same_whoever_asks(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    article = make_article()
    path = f"/api/v1/articles/{article.pk}/followers/"
    data = {"email": "segue@example.com", "frequency": "daily"}
    first = send("post", path, {**data, "token": token("follow", article.pk)})
    assert first.status_code == 202, first.content
    follower = DiscussionFollower.objects.get()
    assert follower.confirmed_at is None and follower.frequency == "daily"
    assert len(mail.outbox) == 1
    again = send("post", path, {**data, "token": token("follow", article.pk)})
    assert again.json() == first.json()
    assert len(mail.outbox) == 1  # asked again the same day: nothing new sent, same answer
    assert_nothing_personal(first)


def test_follow_rate_limit(settings):
    settings.COMMENTS_FOLLOW_RATE_LIMIT = 1
    article = make_article()
    path = f"/api/v1/articles/{article.pk}/followers/"
    send("post", path, {"email": "a@example.com", "token": token("follow", article.pk)})
    limited = send("post", path, {"email": "b@example.com", "token": token("follow", article.pk)})
    assert limited.status_code == 429


def test_newsletter_signup_is_double_opt_in_and_discloses_nothing(settings):
    settings.NEWSLETTER_RATE_LIMIT = 2
    response = send(
        "post",
        "/api/v1/newsletter/subscribers/",
        {"email": "Nuova@Example.com", "token": token("newsletter")},
    )
    assert response.status_code == 202, response.content
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.source == "api"
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED)
    again = send(
        "post",
        "/api/v1/newsletter/subscribers/",
        {"email": "nuova@example.com", "token": token("newsletter")},
    )
    assert again.json() == response.json()
    assert_nothing_personal(again)
    limited = send(
        "post",
        "/api/v1/newsletter/subscribers/",
        {"email": "c@example.com", "token": token("newsletter")},
    )
    assert limited.status_code == 429
    assert Subscriber.objects.count() == 1


def test_a_token_for_an_unknown_target_is_a_404():
    assert client().get("/api/v1/botcheck/comment/?target=999").status_code == 404
    assert client().get("/api/v1/botcheck/comment/").status_code == 404
    assert client().get("/api/v1/botcheck/qualcosa/").status_code == 400
