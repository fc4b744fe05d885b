"""Signing up an address that is already confirmed does the same work as any other sign-up:
the same queries, the same writes, one email rendered and sent (DESIGN invariant 8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.models import Subscriber
from newsletter.services import subscriber_request

pytestmark = pytest.mark.django_db


def work_for(email: str, django_capture_on_commit_callbacks, mailoutbox) -> tuple:
    mailoutbox.clear()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        subscriber_request(email=email, ip_address="192.0.2.1", language="it")
    kinds = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    return kinds, len(mailoutbox)


def test_a_confirmed_address_costs_the_same_queries_and_mail_as_a_pending_or_gone_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    Subscriber.objects.create(email="pending@example.com")
    Subscriber.objects.create(email="confirmed@example.com", status="confirmed")
    Subscriber.objects.create(email="gone@example.com", status="unsubscribed")

    work = {
        email: work_for(email, django_capture_on_commit_callbacks, mailoutbox)
        for email in ("pending@example.com", "confirmed@example.com", "gone@example.com")
    }

    assert work["confirmed@example.com"] == work["pending@example.com"] == work["gone@example.com"]
    assert "UPDATE" in work["confirmed@example.com"][0]
    assert Subscriber.objects.get(email="confirmed@example.com").status == "confirmed"
