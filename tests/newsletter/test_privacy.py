"""The personal-data tools cover newsletter subscriptions too."""

import io
import json

import pytest
from django.core.management import call_command

from core.privacy import personal_data_erase, personal_data_export
from newsletter.models import Subscriber
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_export_includes_the_newsletter_subscription_whatever_the_case():
    Subscriber.objects.create(email="lettrice@example.it", status=Subscriber.Status.CONFIRMED)
    Subscriber.objects.create(email="altra@example.it", status=Subscriber.Status.CONFIRMED)
    exported = personal_data_export(email="Lettrice@Example.IT")
    (subscription,) = exported["data"]["newsletter"]
    assert subscription["email"] == "lettrice@example.it"
    assert subscription["status"] == "confirmed"
    assert "altra@example.it" not in json.dumps(exported)


def test_erase_removes_the_subscription_and_anonymizes_the_comments():
    Subscriber.objects.create(email="lettrice@example.it", status=Subscriber.Status.CONFIRMED)
    keeper = Subscriber.objects.create(email="altra@example.it")
    comment = make_comment(make_article(), author_email="lettrice@example.it")
    personal_data_erase(email="lettrice@example.it")
    assert list(Subscriber.objects.all()) == [keeper]
    comment.refresh_from_db()
    assert comment.author_email == ""


def test_export_command_lists_the_subscription():
    Subscriber.objects.create(email="lettrice@example.it")
    out = io.StringIO()
    call_command("export_personal_data", "lettrice@example.it", stdout=out)
    assert json.loads(out.getvalue())["data"]["newsletter"][0]["status"] == "pending"
