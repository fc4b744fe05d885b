"""A commenter's website becomes a link only when it is http(s), however it was written."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comments.models import Comment
from comments.render import Labels, render_thread
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

NOT_WEB = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://example.com",
           "//evil.example", " http://example.com", "vbscript:x"]  # fmt: skip


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_database_refuses_a_website_that_is_not_http_however_it_is_saved(url):
    comment = make_comment(make_article())
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(author_url=url)


@pytest.mark.parametrize("url", NOT_WEB)
def test_model_validation_names_the_rule(url):
    comment = make_comment(make_article())
    comment.author_url = url
    with pytest.raises(ValidationError):
        comment.full_clean()


@pytest.mark.parametrize("url", ["http://example.com", "HTTPS://Example.com/x", ""])
def test_web_addresses_and_no_address_are_stored(url):
    comment = make_comment(make_article())
    Comment.objects.filter(pk=comment.pk).update(author_url=url)
    comment.refresh_from_db()
    assert comment.author_url == url


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_renderer_never_links_a_website_that_is_not_http(url):
    comment = make_comment(make_article(), author_name="Lettore")
    # What a row written before the constraint (or on a database without it) would hold.
    (row,) = Comment.objects.visible_tree(comment.article)
    html = render_thread(
        [row._replace(author_url=url)],
        labels=Labels.current(),
        own_pending=frozenset(),
        reply_level_limit=4,
    )
    assert "<a href" not in html.split("comment-permalink")[0]
    assert "Lettore" in html
