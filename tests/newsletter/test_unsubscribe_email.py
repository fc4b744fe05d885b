"""Leaving the list is confirmed by one short email, sent through the mail queue after commit."""

import pytest
from django.urls import reverse

from core.models import OutgoingEmail
from newsletter.models import Subscriber
from newsletter.services import subscriber_unsubscribe, unsubscribe_url
from tests.newsletter.conftest import make_subscriber

pytestmark = pytest.mark.django_db


def token_for(subscriber) -> str:
    return unsubscribe_url(subscriber).rstrip("/").rsplit("/", 1)[-1]


def test_a_confirmed_reader_who_leaves_gets_one_confirmation(
    django_capture_on_commit_callbacks, mailoutbox
):
    subscriber = make_subscriber("anna@example.com", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        subscriber_unsubscribe(token=token_for(subscriber))
        subscriber_unsubscribe(token=token_for(subscriber))  # the link followed twice

    [message] = mailoutbox
    assert message.to == ["anna@example.com"]
    assert "left the Rivista newsletter" in message.subject
    assert reverse("newsletter:signup") in message.body
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_a_pending_address_that_unsubscribes_gets_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    subscriber = make_subscriber("b@example.com", status=Subscriber.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        subscriber_unsubscribe(token=token_for(subscriber))

    assert mailoutbox == []


def test_the_personal_data_export_lists_the_issues_sent_and_erase_keeps_no_address():
    from core.privacy import personal_data_erase, personal_data_export
    from newsletter.models import Delivery, Issue
    from tests.newsletter.conftest import make_issue

    subscriber = make_subscriber("anna@example.com")
    issue = make_issue(status=Issue.Status.SENT)
    Delivery.objects.create(issue=issue, subscriber=subscriber, status=Delivery.Status.SENT)

    exported = personal_data_export(email="anna@example.com")
    [subscription] = exported["data"]["newsletter"]
    assert subscription["issues"] == [{"subject": issue.subject, "status": "sent", "sent_at": None}]

    personal_data_erase(email="anna@example.com")
    assert not Subscriber.objects.exists()
    assert Delivery.objects.get().subscriber is None
