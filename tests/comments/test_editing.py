"""Correcting your own comment: same browser, within the window, rules applied again."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentRevision
from core.privacy import personal_data_export
from tests.factories import make_article, make_user, post_form_data

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _open_rules(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 2


@pytest.fixture
def article():
    return make_article()


def posted(client, article, **fields) -> Comment:
    data = post_form_data(article, **fields)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 302
    return Comment.objects.get(body=data["body"])


def edit(client, comment, body):
    return client.post(reverse("comments:edit", args=[comment.pk]), {"body": body}, headers=EN)


def test_the_author_edits_within_the_window_and_readers_see_edited(article):
    browser = Client()
    comment = posted(browser, article, body="Ho scritto una sciochezza.")
    page = browser.get(article.get_absolute_url(), headers=EN).text
    edit_url = reverse("comments:edit", args=[comment.pk])
    assert f'href="{edit_url}">Edit</a>' in page  # the author's browser sees the link

    form = browser.get(edit_url, headers=EN)
    assert form.status_code == 200 and "Ho scritto una sciochezza." in form.text
    response = edit(browser, comment, "Ho scritto una sciocchezza.")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"

    comment.refresh_from_db()
    assert comment.body == "Ho scritto una sciocchezza." and comment.edited_at
    assert comment.status == Comment.Status.APPROVED
    reader = Client().get(article.get_absolute_url(), headers=EN).text
    assert "sciocchezza." in reader and "sciochezza" not in reader
    assert '<span class="comment-edited">(edited)</span>' in reader
    assert edit_url not in reader  # nobody else gets the link


def test_earlier_versions_are_kept_for_moderators_and_in_the_export(article, client):
    browser = Client()
    comment = posted(browser, article, body="Prima versione.", author_email="ed@example.com")
    edit(browser, comment, "Seconda versione.")
    edit(browser, comment, "Terza versione.")
    assert list(comment.revisions.values_list("body", flat=True)) == [
        "Seconda versione.",
        "Prima versione.",
    ]
    client.force_login(make_user(is_superuser=True))
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).text
    assert "Prima versione." in change and "Seconda versione." in change
    (group,) = personal_data_export(email="ed@example.com")["data"]["comments"]
    assert [v["text"] for v in group["comments"][0]["earlier_versions"]] == [
        "Seconda versione.",
        "Prima versione.",
    ]


def test_an_edit_passes_the_rules_again_and_may_go_back_to_moderation(article):
    browser = Client()
    comment = posted(browser, article, body="Tutto tranquillo.")
    assert comment.status == Comment.Status.APPROVED
    edit(browser, comment, "Ora con link: https://a.example e https://b.example")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and comment.held_reason
    # Its author still sees it, awaiting moderation; other readers do not.
    assert (
        "Your comment is awaiting moderation."
        in browser.get(article.get_absolute_url(), headers=EN).text
    )
    assert "https://a.example" not in Client().get(article.get_absolute_url()).text


def test_an_edit_that_hits_the_spam_list_goes_to_spam(article, settings):
    settings.COMMENTS_SPAM_LIST = "casino"
    browser = Client()
    comment = posted(browser, article, body="Innocente.")
    edit(browser, comment, "Visita il casino online.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_editing_after_the_window_is_refused_clearly(article):
    browser = Client()
    comment = posted(browser, article)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = edit(browser, comment, "Troppo tardi.")
        assert response.status_code == 403
        assert "comments can be edited for 10 minutes" in response.text
        assert 'class="comment-edit-link"' not in browser.get(article.get_absolute_url()).text
    comment.refresh_from_db()
    assert comment.body != "Troppo tardi." and not CommentRevision.objects.exists()


def test_editing_someone_elses_comment_is_refused_clearly(article):
    comment = posted(Client(), article)
    other = Client()
    for response in (other.get(reverse("comments:edit", args=[comment.pk]), headers=EN),
                     edit(other, comment, "Non è mio.")):  # fmt: skip
        assert response.status_code == 403
        assert "only edit a comment from the browser you posted it with" in response.text
    comment.refresh_from_db()
    assert comment.body != "Non è mio."


def test_an_empty_edit_keeps_the_form_with_a_message(article):
    browser = Client()
    comment = posted(browser, article)
    response = edit(browser, comment, "   ")
    assert response.status_code == 400
    assert "Write a comment before posting." in response.text


def test_editing_can_be_turned_off(article, settings):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 0
    browser = Client()
    comment = posted(browser, article)
    assert edit(browser, comment, "No.").status_code == 403
    assert 'class="comment-edit-link"' not in browser.get(article.get_absolute_url()).text


def test_edit_form_needs_csrf(article):
    browser = Client(enforce_csrf_checks=True)
    data = post_form_data(article)
    # Posting itself needs the token too: fetch the page first, as a browser does.
    page = browser.get(article.get_absolute_url())
    token = page.cookies["csrftoken"].value
    browser.post(
        reverse("comments:post", args=[article.pk]), {**data, "csrfmiddlewaretoken": token}
    )
    comment = Comment.objects.get(body=data["body"])
    assert edit(browser, comment, "Senza token.").status_code == 403
    comment.refresh_from_db()
    assert comment.body == data["body"]


def test_the_edit_page_states_a_window_of_a_whole_day(settings, article):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 24 * 60
    browser = Client()
    comment = posted(browser, article)

    page = browser.get(reverse("comments:edit", args=[comment.pk]), headers=EN)

    assert "for 1440 minutes after posting it" in page.text
