"""Password reset from the admin's login page: the email goes through the mail queue."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutgoingEmail
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_a_password_reset(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert reverse("admin_password_reset") in page


def test_a_reset_is_queued_after_commit_and_its_link_works(
    client, django_capture_on_commit_callbacks
):
    user = make_user(
        username="redattrice", email="redattrice@example.com", password="old-password-1"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin_password_reset"), {"email": "redattrice@example.com"})

    assert response.status_code == 302
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    [message] = mail.outbox
    assert message.to == ["redattrice@example.com"]
    link = re.search(r"https?://[^/\s]+(/admin/password-reset/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-Passw0rd!", "new_password2": "a-new-Passw0rd!"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-Passw0rd!")


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin_password_reset"), {"email": "nessuno@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []
