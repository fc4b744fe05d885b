"""Admin login under password guessing: django-axes locks a username out from one address after
AXES_FAILURE_LIMIT failures, for the cool-off, and says so in words (429, Retry-After).

The comment and newsletter rate limits have their own tests (tests/comments/test_spam_defence.py,
tests/newsletter/test_views.py).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.security.helpers import element_text, refusal_message
from tests.security.html_checks import assert_no_executable_markup

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "la-password-giusta-2026"
ENGLISH = {"accept-language": "en"}
ATTACKER = "203.0.113.66"
LOCKED = "Too many failed login attempts."


@pytest.fixture
def editor():
    return make_user(username="redazione", password=PASSWORD, groups=["Editors"])


def log_in(client, password, *, username="redazione", ip=ATTACKER, **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        headers={**ENGLISH, **headers},
        REMOTE_ADDR=ip,
    )


def fail(client, times, **kwargs):
    return [log_in(client, f"tentativo-{n}", **kwargs) for n in range(times)]


def is_logged_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_wrong_passwords_below_the_limit_get_the_usual_error(client, editor, settings):
    for response in fail(client, settings.AXES_FAILURE_LIMIT - 1):
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text


def test_the_limit_locks_the_username_out_from_that_address_with_a_clear_429(
    client, editor, settings
):
    *_, last = fail(client, settings.AXES_FAILURE_LIMIT)

    assert last.status_code == 429
    assert LOCKED in refusal_message(last.text)
    assert "15 minutes" in refusal_message(last.text)
    assert last["Retry-After"] == "900"
    # Now even the right password is refused, and nobody is logged in.
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_lockout_page_is_the_admin_login_look_and_inert(client, editor, settings):
    *_, last = fail(client, settings.AXES_FAILURE_LIMIT)

    assert_no_executable_markup(last)
    assert "Content-Security-Policy" in last
    assert element_text(last.text, "site-name") == "Magazine administration"
    assert 'href="/admin/login/"' in last.text


def test_lockout_is_for_that_username_from_that_address_only(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    # The editor, from the office: not locked out by a stranger's guesses.
    assert log_in(client.__class__(), PASSWORD, ip="198.51.100.7").status_code == 302
    # Another username from the attacker's address is judged on its own.
    make_user(username="moderazione", password=PASSWORD, groups=["Moderators"])
    assert log_in(client, PASSWORD, username="moderazione").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, PASSWORD, **{"x-forwarded-for": "192.0.2.99"})

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_client_address_is_the_one_locked(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail(client, settings.AXES_FAILURE_LIMIT, ip=proxy, **{"x-forwarded-for": ATTACKER})

    assert log_in(client, PASSWORD, ip=proxy, **{"x-forwarded-for": ATTACKER}).status_code == 429
    other = log_in(client.__class__(), PASSWORD, ip=proxy, **{"x-forwarded-for": "198.51.100.7"})
    assert other.status_code == 302


def test_lockout_ends_after_the_cool_off_and_each_attempt_meanwhile_restarts_it(
    client, editor, settings
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert log_in(client, "ancora-sbagliata").status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert log_in(client, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=36), tick=False):
        assert log_in(client, PASSWORD).status_code == 302
        assert is_logged_in(client)


def test_a_successful_login_clears_earlier_failures(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, PASSWORD).status_code == 302
    client.post(reverse("admin:logout"))

    responses = fail(client, settings.AXES_FAILURE_LIMIT - 1)

    assert all(response.status_code == 200 for response in responses)
