"""A commenter's own held comments, recovery after a refused reply, and who the client is."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.own_pending import SESSION_KEY
from comments.services import CommentRefused, comment_post, comment_set_status
from core.client_address import client_ip
from tests.factories import make_article, make_comment, post_form_data

pytestmark = pytest.mark.django_db


def test_moderated_comment_leaves_the_commenters_session_and_the_page_is_shared_again(client):
    article = make_article()
    make_comment(article, body="Già approvato.")
    response = client.post(reverse("comments:post", args=[article.pk]), post_form_data(article))
    assert response.status_code == 302
    mine = Comment.objects.get(status=Comment.Status.PENDING)
    assert client.session[SESSION_KEY] == {str(article.pk): [mine.pk]}

    comment_set_status(comment=mine, status=Comment.Status.APPROVED)
    first = client.get(article.get_absolute_url())
    assert "comment-pending" not in first.text
    assert str(article.pk) not in client.session[SESSION_KEY]

    # With nothing of theirs held (and the time to edit it over: comments.editing), the reader
    # gets the shared page, and then the cached tree.
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        client.get(article.get_absolute_url())
        shared = client.get(article.get_absolute_url())
        assert "private" not in shared.get("Cache-Control", "")
        with CaptureQueriesContext(connection) as queries:
            again = client.get(article.get_absolute_url())
    assert f'id="comment-{mine.pk}"' in again.text
    assert not [q for q in queries if "comments_comment" in q["sql"]]


def test_refused_reply_keeps_the_text_and_drops_the_reply_target(client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING)
    data = post_form_data(article, parent=str(held.pk), body="Il mio testo da non perdere.")

    response = client.post(
        reverse("comments:post", args=[article.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert "Il mio testo da non perdere." in response.text
    assert 'name="parent" id="id_parent"' in response.text
    assert f'name="parent" value="{held.pk}"' not in response.text
    assert "post it again to add it as a new comment" in response.text

    # Posting the returned form again (a new form: a timestamp is good for one post) succeeds
    # as a new top-level comment.
    data = post_form_data(article, parent="", body="Il mio testo da non perdere.")
    again = client.post(reverse("comments:post", args=[article.pk]), data)
    assert again.status_code == 302
    assert Comment.objects.get(body="Il mio testo da non perdere.").parent_id is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com", "data:text/html,x"])
def test_service_refuses_a_website_that_is_not_a_web_address(url):
    with pytest.raises(CommentRefused) as refused:
        comment_post(
            article=make_article(), body="Ciao", author_name="A", author_email="a@example.com",
            author_url=url,
        )  # fmt: skip
    assert refused.value.field == "author_url"
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # no proxy: the header is a client's lie
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # forged hop ignored
        (2, "10.0.0.1", "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (3, "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: not ours
        (1, "10.0.0.1", "", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
