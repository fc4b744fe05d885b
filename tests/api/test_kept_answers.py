"""Anonymous GETs of the API are kept like pages (core.page_cache) and retired by the same
versions: a new comment, a publication, a scheduled article going live."""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.tokens import token_create
from comments.services import comment_set_status
from tests.factories import make_article, make_author, make_comment, make_scheduled

pytestmark = pytest.mark.django_db


def get(path: str, client: Client | None = None):
    client = client or Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response, len(queries)


def test_an_anonymous_answer_is_kept_and_served_without_a_query():
    make_article()
    first, _ = get("/api/v1/articles/")
    again, queries = get("/api/v1/articles/")
    assert queries == 0
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"].startswith("application/json")
    assert (
        Client().get("/api/v1/articles/", headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )


def test_an_address_with_other_parameters_or_a_session_is_not_served_kept(client, editor):
    make_article()
    get("/api/v1/articles/")
    _, tracked = get("/api/v1/articles/?utm_source=x")
    assert tracked > 0
    _, logged_in = get("/api/v1/articles/", client)
    assert logged_in > 0


def test_a_new_comment_retires_the_kept_discussion(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_MIN_SECONDS = 0
    article = make_article()
    make_comment(article)
    path = f"/api/v1/articles/{article.pk}/comments/"
    get(path)
    kept, queries = get(path)
    assert queries == 0 and len(kept.json()["results"]) == 1
    browser = Client(raise_request_exception=False)
    token = browser.get(f"/api/v1/botcheck/comment/?target={article.pk}").json()["token"]
    data = {"article": article.pk, "author_name": "A", "author_email": "a@example.com"}
    posted = browser.post(
        "/api/v1/comments/",
        json.dumps({**data, "body": "Nuovo.", "token": token}),
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    fresh, queries = get(path)
    assert queries > 0
    assert len(fresh.json()["results"]) == 2


def test_moderation_retires_the_kept_discussion():
    article = make_article()
    held = make_comment(article, status="pending")
    path = f"/api/v1/articles/{article.pk}/comments/"
    get(path)
    assert get(path)[0].json()["results"] == []
    comment_set_status(comment=held, status="approved")
    assert [c["id"] for c in get(path)[0].json()["results"]] == [held.pk]


def test_publishing_through_the_api_retires_the_kept_list(editor_user):
    make_article()
    raw = token_create(user=editor_user, name="x")[1]
    staff = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
    created = staff.post(
        "/api/v1/admin/articles/",
        json.dumps({"title": "Uscita", "author": make_author().pk}),
        content_type="application/json",
    ).json()
    get("/api/v1/articles/")
    assert get("/api/v1/articles/")[1] == 0
    assert staff.post(f"/api/v1/admin/articles/{created['id']}/publish/").status_code == 200
    listed = [item["id"] for item in get("/api/v1/articles/")[0].json()["results"]]
    assert created["id"] in listed


def test_a_scheduled_article_going_live_retires_the_kept_list():
    make_article()
    scheduled = make_scheduled()
    get("/api/v1/articles/")
    assert get("/api/v1/articles/")[1] == 0
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=1)):
        later, queries = get("/api/v1/articles/")
    assert queries > 0
    assert scheduled.pk in [item["id"] for item in later.json()["results"]]


def test_a_refused_address_is_not_kept():
    assert Client().get("/api/v1/articles/9999/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/articles/9999/").status_code == 404
    assert len(queries) > 0
