"""Verified badges come from the account that wrote a comment, never from what was typed."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_post
from core.privacy import personal_data_erase
from tests.factories import make_article, make_author, make_user, post_form_data

pytestmark = pytest.mark.django_db

AUTHOR_BADGE = '<span class="comment-badge badge-author">Autore</span>'
STAFF_BADGE = '<span class="comment-badge badge-staff">Redazione</span>'


@pytest.fixture
def author_user():
    return make_user(username="ada", email="ada@rivista.example", first_name="Ada", is_staff=True)


@pytest.fixture
def article(author_user):
    return make_article(author=make_author(user=author_user, display_name="Ada Negri"))


def page(article) -> str:
    return (
        Client().get(article.get_absolute_url(), headers={"accept-language": "it"}).content.decode()
    )


def test_the_articles_author_gets_autore_and_other_staff_redazione(article, author_user):
    editor = make_user(username="redattore", email="red@rivista.example", groups=["Moderators"])
    by_author = comment_post(article=article, body="Grazie a tutti.", user=author_user)
    by_editor = comment_post(article=article, body="Precisazione.", user=editor)
    assert by_author.author_role == Comment.Role.AUTHOR
    assert by_editor.author_role == Comment.Role.STAFF
    html = page(article)
    assert html.count(AUTHOR_BADGE) == 1 and html.count(STAFF_BADGE) == 1


def test_typing_the_authors_name_and_email_earns_no_badge(settings, article, author_user):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    fake = comment_post(
        article=article, body="Sono io l'autrice.", author_name="Ada Negri",
        author_email=author_user.email,
    )  # fmt: skip
    assert fake.status == Comment.Status.APPROVED
    assert fake.author_role == Comment.Role.NONE
    assert "comment-badge" not in page(article)


def test_a_logged_in_reader_without_staff_rights_gets_no_badge(article):
    reader = make_user(is_staff=False, email="lettore@example.com")
    assert comment_post(article=article, body="Ciao.", user=reader).author_role == ""


def test_logged_in_staff_comment_without_typing_name_or_email(article, author_user):
    browser = Client()
    browser.force_login(author_user)
    form_page = browser.get(article.get_absolute_url(), headers={"accept-language": "en"})
    html = form_page.content.decode()
    assert 'name="author_email"' not in html and 'name="author_name"' not in html
    assert "Logged in as ada" in html

    data = post_form_data(article, author_name="", author_email="", body="Rispondo io.")
    response = browser.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 302
    comment = Comment.objects.get(body="Rispondo io.")
    assert (comment.author_name, comment.author_email) == ("Ada Negri", "ada@rivista.example")
    assert comment.user == author_user and comment.status == Comment.Status.APPROVED
    assert comment.author_role == Comment.Role.AUTHOR


def test_a_logged_in_users_typed_name_earns_no_badge(article):
    reader = make_user(is_staff=False, username="lia", email="lia@example.com")
    browser = Client()
    browser.force_login(reader)
    data = post_form_data(article, author_name="Ada Negri", author_email="ada@x.example")
    assert browser.post(reverse("comments:post", args=[article.pk]), data).status_code == 302
    assert Comment.objects.get(body=data["body"]).author_role == Comment.Role.NONE


def test_erasing_a_persons_data_removes_the_badge_with_the_account(article, author_user):
    comment = comment_post(article=article, body="Grazie.", user=author_user)
    personal_data_erase(email=author_user.email)
    comment.refresh_from_db()
    assert comment.author_role == "" and comment.user is None
    assert "comment-badge" not in page(article)
