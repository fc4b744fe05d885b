"""Subscribers in the admin: listed, filtered, searched, exported as CSV by those allowed to."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Subscriber
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsletter_subscriber_changelist")
EXPORT = reverse("admin:newsletter_subscriber_export")


@pytest.fixture
def subscribers():
    now = timezone.now()
    return {
        "pending": Subscriber.objects.create(email="attesa@example.com", language="it"),
        "confirmed": Subscriber.objects.create(
            email="confermata@example.com", status="confirmed", confirmed_at=now, language="en"
        ),
        "gone": Subscriber.objects.create(
            email="andata@example.org", status="unsubscribed", unsubscribed_at=now
        ),
    }


def listed(response) -> set[str]:
    return {subscriber.email for subscriber in response.context["cl"].result_list}


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


def export_action(client, subscribers_to_export, **extra):
    return client.post(
        CHANGELIST,
        {
            "action": "export_csv",
            "_selected_action": [subscriber.pk for subscriber in subscribers_to_export],
            **extra,
        },
    )


# Permissions.


def test_editors_group_has_the_newsletter_permissions_after_migrations():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )

    assert {
        "add_subscriber",
        "change_subscriber",
        "delete_subscriber",
        "view_subscriber",
    } <= codenames


def test_authors_have_no_newsletter_permissions():
    codenames = set(
        Group.objects.get(name="Authors").permissions.values_list("codename", flat=True)
    )

    assert not {codename for codename in codenames if codename.endswith("_subscriber")}


# The list.


def test_list_shows_status_dates_and_language(client, editor, subscribers):
    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == {s.email for s in subscribers.values()}
    assert response.context["cl"].list_display[1:] == [
        "email",
        "status",
        "created",
        "confirmed_at",
        "language",
        "source",
    ]


def test_list_filters_by_status(client, editor, subscribers):
    response = client.get(CHANGELIST, {"status__exact": "confirmed"})

    assert listed(response) == {"confermata@example.com"}


def test_list_filters_by_date(client, editor, subscribers):
    old = Subscriber.objects.create(email="vecchia@example.com")
    Subscriber.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=400)
    )
    changelist = client.get(CHANGELIST).context["cl"]
    (created_filter,) = [spec for spec in changelist.filter_specs if spec.field_path == "created"]
    # Any date, Today, Past 7 days, This month, This year.
    past_week = list(created_filter.choices(changelist))[2]["query_string"]

    response = client.get(CHANGELIST + past_week)

    assert listed(response) == {s.email for s in subscribers.values()}
    assert "vecchia@example.com" in listed(client.get(CHANGELIST))


def test_list_searches_by_email(client, editor, subscribers):
    response = client.get(CHANGELIST, {"q": "example.org"})

    assert listed(response) == {"andata@example.org"}


def test_admin_refuses_a_second_spelling_of_an_address(client, editor, subscribers):
    response = client.post(
        reverse("admin:newsletter_subscriber_add"),
        {"email": "ATTESA@Example.com", "status": "pending", "language": "it", "source": "admin"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert Subscriber.objects.filter(email="attesa@example.com").count() == 1


def test_admin_stores_a_new_address_in_lower_case(client, editor):
    client.post(
        reverse("admin:newsletter_subscriber_add"),
        {"email": "Nuova@Example.com", "status": "pending", "language": "it", "source": "admin"},
    )

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["nuova@example.com"]


# CSV export.


def test_export_action_writes_the_selected_subscribers(client, editor, subscribers):
    response = export_action(client, [subscribers["confirmed"], subscribers["pending"]])

    rows = csv_rows(response)
    assert rows[0] == ["email", "status", "created", "confirmed_at", "language"]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {"confermata@example.com", "attesa@example.com"}
    confirmed = by_email["confermata@example.com"]
    assert confirmed[1] == "confirmed"
    assert confirmed[2] == timezone.localtime(subscribers["confirmed"].created).isoformat(
        timespec="seconds"
    )
    assert confirmed[3] == timezone.localtime(subscribers["confirmed"].confirmed_at).isoformat(
        timespec="seconds"
    )
    assert confirmed[4] == "en"
    assert by_email["attesa@example.com"][3] == ""


def test_export_button_writes_what_the_filters_show(client, editor, subscribers):
    page = client.get(CHANGELIST, {"status__exact": "confirmed"})
    assert f'{EXPORT}?status__exact=confirmed"' in page.text

    response = client.get(EXPORT, {"status__exact": "confirmed"})

    assert [row[0] for row in csv_rows(response)[1:]] == ["confermata@example.com"]


def test_export_button_follows_the_search(client, editor, subscribers):
    response = client.get(EXPORT, {"q": "example.com"})

    assert {row[0] for row in csv_rows(response)[1:]} == {
        "attesa@example.com",
        "confermata@example.com",
    }


@pytest.mark.parametrize("dangerous", ["=cmd", "+sum", "-2", "@sum"])
def test_export_neutralises_spreadsheet_formulas(client, editor, dangerous):
    subscriber = Subscriber.objects.create(
        email=f"{dangerous}(1)@example.com", source="import", language=dangerous
    )

    response = export_action(client, [subscriber])

    (row,) = csv_rows(response)[1:]
    assert row[0] == f"'{dangerous}(1)@example.com"
    assert row[4] == f"'{dangerous}"


def test_authors_cannot_export(client, subscribers):
    client.force_login(make_user(groups=["Authors"]))

    assert export_action(client, subscribers.values()).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(CHANGELIST).status_code == 403


def test_view_permission_alone_is_enough_to_export(client, subscribers):
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(user)

    response = client.get(EXPORT)

    assert len(csv_rows(response)) == 1 + len(subscribers)


def test_export_needs_a_staff_login(client):
    response = client.get(EXPORT)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
