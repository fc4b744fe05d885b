"""Schemathesis over the API's own schema, in the process (no network): no server error and no
answer outside the schema, over its default run, with public and hidden content in the database."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from api.tokens import token_create
from comments.services import comment_set_status
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_draft,
    make_tag,
    make_user,
)


@pytest.fixture
def content(db):
    tag, category = make_tag(), make_category()
    article = make_article(tags=[tag], category=category)
    parent = make_comment(article)
    make_comment(article, parent=parent)
    comment_set_status(comment=parent, status="rejected")
    make_comment(article, status="pending")
    make_draft(tags=[tag])
    # The staff operations are walked as an editor: every write is tried, not only refused.
    editor = make_user(groups=["Editors"])
    make_author(user=editor)
    _token, raw = token_create(user=editor, name="schemathesis")
    # As Django's test client does: the WSGI handler would close the test database after each
    # request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield raw
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded as served, through the WSGI application (schemathesis' pytest fixture loader reads a
# private attribute pytest 9 no longer has, so the schema is read at collection: it needs no
# database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
# The content is only read: sharing it between the generated requests is what is wanted.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_schema_says(case, content):
    # Its WSGI transport asks for gzip but reads the body as sent: anonymous answers are
    # compressed (core.page_cache.PublicPagesGZipMiddleware), as an HTTP client would undo.
    headers = {"Accept-Encoding": "identity"}
    if case.path.startswith("/api/v1/admin/"):
        headers["Authorization"] = f"Bearer {content}"
    # A write the schema describes can still be refused with reason: a bot-check token is
    # single-use and signed, a slug must be unique, a file must be an image. Every other check
    # holds for writes too (no server error, answers and their types as the schema says).
    excluded = [positive_data_acceptance] if case.method != "GET" else []
    if case.path == "/api/v1/admin/media/":
        # Multipart sends every field as text: a "number" where text is asked arrives as text.
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers=headers, excluded_checks=excluded)
