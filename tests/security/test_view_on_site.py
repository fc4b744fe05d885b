"""The admin's "view on site" redirect never reveals an article the user may not see."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from blog.models import Article
from tests.factories import make_article, make_author, make_draft, make_scheduled, make_user

pytestmark = pytest.mark.django_db


def view_on_site(article) -> str:
    content_type = ContentType.objects.get_for_model(Article)
    return f"/admin/r/{content_type.pk}/{article.pk}/"


@pytest.fixture
def author_client():
    user = make_user(groups=["Authors"])
    make_author(user=user, display_name="Anna Autrice")
    client = Client()
    client.force_login(user)
    return client, user


def test_another_authors_draft_is_a_404_not_its_address(author_client):
    client, _ = author_client
    draft = make_draft(title="Bozza segreta", slug="bozza-segreta")

    response = client.get(view_on_site(draft))

    assert response.status_code == 404
    assert "bozza-segreta" not in response.get("Location", "")


def test_a_scheduled_article_of_another_author_is_a_404(author_client):
    client, _ = author_client
    assert client.get(view_on_site(make_scheduled(slug="domani"))).status_code == 404


def test_a_published_article_and_the_authors_own_draft_still_redirect(author_client):
    client, user = author_client
    published = make_article(slug="pubblicato")
    assert client.get(view_on_site(published)).status_code == 302
    own = make_draft(slug="mia-bozza", author=user.author)
    assert client.get(view_on_site(own)).status_code == 302


def test_a_moderator_cannot_edit_a_comments_email():
    from django.urls import reverse

    from comments.models import Comment
    from tests.factories import make_comment

    comment = make_comment(make_article(), author_email="vera@example.com")
    moderator = Client()
    moderator.force_login(make_user(groups=["Moderators"]))
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    page = moderator.get(url)
    assert page.status_code == 200
    assert 'name="author_email"' not in page.text
    moderator.post(
        url,
        {"author_name": comment.author_name, "author_email": "altra@example.com",
         "author_url": "", "body": comment.body, "status": comment.status},
    )  # fmt: skip
    assert Comment.objects.get(pk=comment.pk).author_email == "vera@example.com"
