"""HTTP around the API: validators and 304s, CORS, the schema and the docs under our CSP."""

import datetime
import re

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client

from comments.services import comment_set_status
from tests.factories import make_article, make_comment, make_scheduled

pytestmark = pytest.mark.django_db


def get(path: str, **headers):
    return Client(raise_request_exception=False).get(path, headers=headers)


def test_unchanged_list_answers_304_and_a_change_retires_it():
    article = make_article()
    first = get("/api/v1/articles/")
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert get("/api/v1/articles/", **{"If-None-Match": etag}).status_code == 304
    article.title = "Titolo nuovo"
    article.save()
    again = get("/api/v1/articles/", **{"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_scheduled_article_going_live_changes_the_etag_without_a_save():
    make_article()
    scheduled = make_scheduled()
    etag = get("/api/v1/articles/")["ETag"]
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=1)):
        later = get("/api/v1/articles/", **{"If-None-Match": etag})
    assert later.status_code == 200
    assert scheduled.pk in [item["id"] for item in later.json()["results"]]


def test_detail_answers_304_until_its_content_changes():
    article = make_article()
    path = f"/api/v1/articles/{article.pk}/"
    etag = get(path)["ETag"]
    assert get(path, **{"If-None-Match": etag}).status_code == 304
    article.lead = "Un nuovo attacco."
    article.save()
    assert get(path, **{"If-None-Match": etag}).status_code == 200


def test_comments_etag_moves_when_a_comment_is_approved():
    article = make_article()
    make_comment(article)
    pending = make_comment(article, status="pending")
    path = f"/api/v1/articles/{article.pk}/comments/"
    etag = get(path)["ETag"]
    assert get(path, **{"If-None-Match": etag}).status_code == 304
    comment_set_status(comment=pending, status="approved")
    fresh = get(path, **{"If-None-Match": etag})
    assert fresh.status_code == 200
    assert len(fresh.json()["results"]) == 2


def test_the_etag_depends_on_the_language():
    make_article()
    italian = get("/api/v1/articles/")["ETag"]
    english = get("/api/v1/articles/", **{"Accept-Language": "en"})
    assert english["ETag"] != italian
    assert "Accept-Language" in english["Vary"]


def test_cors_is_off_by_default():
    response = get("/api/v1/articles/", Origin="https://app.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_lets_the_configured_origins_read(settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    allowed = get("/api/v1/articles/", Origin="https://app.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    assert "Origin" in allowed["Vary"]
    assert "Access-Control-Allow-Credentials" not in allowed
    other = get("/api/v1/articles/", Origin="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in other
    page = get("/", Origin="https://app.example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_cors_preflight_is_answered_for_allowed_origins_only(settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    client = Client(raise_request_exception=False)
    preflight = client.options(
        "/api/v1/articles/",
        headers={"Origin": "https://app.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    refused = client.options(
        "/api/v1/articles/",
        headers={"Origin": "https://evil.example.net", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in refused


def test_cors_lets_the_configured_origins_write_without_cookies(settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    preflight = Client(raise_request_exception=False).options(
        "/api/v1/comments/",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight


def test_cors_wildcard(settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["*"]
    response = get("/api/v1/tags/", Origin="https://any.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_head_is_answered_like_get_without_a_body():
    make_article()
    response = Client(raise_request_exception=False).head("/api/v1/articles/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_schema_is_openapi_3_1_and_lists_the_read_endpoints():
    response = get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    for path in (
        "/api/v1/articles/",
        "/api/v1/articles/{article_id}/",
        "/api/v1/articles/{article_id}/comments/",
        "/api/v1/categories/",
        "/api/v1/tags/",
        "/api/v1/authors/",
    ):
        assert path in schema["paths"], path


def test_docs_are_served_from_our_origin_under_the_strict_csp():
    response = get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        # Code only from files; the one inline block is JSON data, which no browser runs.
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for address in assets:
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), address
