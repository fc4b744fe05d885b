import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def test_changelist_filters_by_status_and_article(staff_client):
    article, other = make_article(title="Primo"), make_article(title="Secondo")
    make_comment(article, body="Approvato qui.")
    make_comment(article, body="In attesa qui.", status="pending")
    make_comment(other, body="Altrove.", status="pending")
    url = reverse("admin:comments_comment_changelist")

    pending = staff_client.get(url, {"status__exact": "pending"}).text
    assert "In attesa qui." in pending and "Altrove." in pending
    assert "Approvato qui." not in pending

    on_article = staff_client.get(url, {"article__id__exact": article.pk}).text
    assert "Approvato qui." in on_article and "Altrove." not in on_article


@pytest.mark.parametrize(
    ("term", "field"),
    [("Ginevra", "author_name"), ("ginevra@example.it", "author_email"), ("prugne", "body")],
)
def test_changelist_searches_name_email_body(staff_client, term, field):
    article = make_article()
    make_comment(article, author_name="Ginevra", author_email="ginevra@example.it", body="prugne")
    make_comment(article, author_name="Altro", author_email="altro@example.it", body="mele")
    html = staff_client.get(reverse("admin:comments_comment_changelist"), {"q": term}).text
    assert "prugne" in html
    assert "mele" not in html


def test_changelist_searches_ip_address(staff_client):
    article = make_article()
    make_comment(article, body="Da un indirizzo noto.", ip_address="203.0.113.7")
    make_comment(article, body="Da un altro.", ip_address="198.51.100.1")
    html = staff_client.get(reverse("admin:comments_comment_changelist"), {"q": "203.0.113.7"}).text
    assert "Da un indirizzo noto." in html and "Da un altro." not in html


def test_change_form_never_lists_every_comment_as_a_parent_choice(staff_client):
    article = make_article()
    comments = [make_comment(article) for _ in range(5)]
    reply = make_comment(article, parent=comments[0], body="Una risposta.")
    html = staff_client.get(reverse("admin:comments_comment_change", args=[reply.pk])).text
    # Where a comment sits in its thread is read-only: shown, never offered as a choice.
    assert comments[0].body in html
    assert 'name="parent"' not in html
    assert '<select name="parent"' not in html


def test_staff_without_comment_permissions_cannot_open_the_queue(client):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("admin:comments_comment_changelist"))
    assert response.status_code == 403
    assert not Comment.objects.exists()
