"""Least privilege in the privacy tools: the admin actions export and erase only the kinds of
personal data the staff member may see; the command line (an operator) gets everything."""

import json

import pytest
from django.urls import reverse

from core.privacy import personal_data_erase, personal_data_export
from newsletter.models import Subscriber
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

EMAIL = "lettrice@example.org"


@pytest.fixture
def person():
    comment = make_comment(make_article(), author_email=EMAIL, author_name="Lettrice")
    Subscriber.objects.create(email=EMAIL, status=Subscriber.Status.CONFIRMED)
    return comment


def run_action(client, user, action, comment, **extra):
    client.force_login(user)
    data = {"action": action, "_selected_action": [comment.pk], **extra}
    return client.post(reverse("admin:comments_comment_changelist"), data)


def test_a_moderators_export_holds_the_comments_but_not_the_newsletter(client, person):
    response = run_action(client, make_user(groups=["Moderators"]), "export_personal_data", person)

    (export,) = json.loads(response.content.decode("utf-8"))
    assert export["data"]["comments"]
    assert "newsletter" not in export["data"]
    assert "emails" not in export["data"]


def test_an_editors_export_holds_the_newsletter_too(client, person):
    response = run_action(client, make_user(groups=["Editors"]), "export_personal_data", person)

    (export,) = json.loads(response.content.decode("utf-8"))
    assert export["data"]["comments"]
    assert export["data"]["newsletter"][0]["email"] == EMAIL


def test_a_moderators_erase_leaves_the_subscription_alone(client, person):
    response = run_action(
        client, make_user(groups=["Moderators"]), "erase_personal_data", person, post="yes"
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.author_email != EMAIL
    assert Subscriber.objects.filter(email=EMAIL).exists()


def test_an_editors_erase_removes_the_subscription_too(client, person):
    run_action(client, make_user(groups=["Editors"]), "erase_personal_data", person, post="yes")

    assert not Subscriber.objects.filter(email=EMAIL).exists()


def test_the_command_line_exports_and_erases_every_kind(person):
    assert personal_data_export(email=EMAIL)["data"]["newsletter"]
    personal_data_erase(email=EMAIL)
    assert not Subscriber.objects.filter(email=EMAIL).exists()
