"""The subscription rules: double opt-in, one row per address, signed links, unsubscribe."""

import datetime
import email.policy

import pytest
import time_machine
from django.core import signing
from django.db import IntegrityError
from django.utils import timezone

from newsletter import tokens
from newsletter.models import Subscriber
from newsletter.services import (
    TokenInvalid,
    subscriber_confirm,
    subscriber_request,
    subscriber_unsubscribe,
)
from tests.newsletter.helpers import confirm_path, unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_subscription(django_capture_on_commit_callbacks, mailoutbox):
    """Ask for the newsletter as the view does, running the after-commit email."""

    def ask(email="lettrice@example.com", *, language="it", ip_address="192.0.2.1"):
        with django_capture_on_commit_callbacks(execute=True):
            subscriber = subscriber_request(email=email, ip_address=ip_address, language=language)
        return subscriber, mailoutbox[-1] if mailoutbox else None

    return ask


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


# Double opt-in.


def test_request_creates_a_pending_subscriber_and_mails_a_signed_confirmation_link(
    request_subscription, mailoutbox
):
    subscriber, message = request_subscription("lettrice@example.com", ip_address="192.0.2.7")

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert subscriber.ip_address == "192.0.2.7"
    assert not Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exists()
    assert len(mailoutbox) == 1
    assert message.to == ["lettrice@example.com"]
    pk, _ = tokens.read_token(token_of(confirm_path(message)), salt=tokens.CONFIRM_SALT)
    assert pk == subscriber.pk


@pytest.mark.parametrize("given", ["unknown", "", None, "999.1.1.1"])
def test_something_that_is_not_an_ip_address_is_stored_as_none(request_subscription, given):
    subscriber, _ = request_subscription(ip_address=given)

    subscriber.refresh_from_db()
    assert subscriber.ip_address is None


def test_confirmation_email_is_sent_only_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        subscriber_request(email="lettrice@example.com", ip_address=None, language="it")

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_following_the_link_confirms_and_following_it_again_changes_nothing(
    request_subscription,
):
    subscriber, message = request_subscription()
    token = token_of(confirm_path(message))

    confirmed = subscriber_confirm(token=token)
    first_confirmed_at = confirmed.confirmed_at
    again = subscriber_confirm(token=token)

    assert again.pk == subscriber.pk
    assert again.status == Subscriber.Status.CONFIRMED
    assert again.confirmed_at == first_confirmed_at is not None


def test_confirmation_link_expires_after_the_configured_days(request_subscription, settings):
    settings.NEWSLETTER_CONFIRM_DAYS = 7
    subscriber, message = request_subscription()
    token = token_of(confirm_path(message))

    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    with time_machine.travel(later), pytest.raises(TokenInvalid) as refused:
        subscriber_confirm(token=token)

    assert refused.value.expired
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_confirmation_link_still_works_within_the_configured_days(request_subscription):
    _, message = request_subscription()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        subscriber = subscriber_confirm(token=token_of(confirm_path(message)))

    assert subscriber.status == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["altered-signature", "garbage", "empty"],
)
def test_forged_confirmation_token_is_refused(request_subscription, mangle):
    subscriber, message = request_subscription()

    with pytest.raises(TokenInvalid) as refused:
        subscriber_confirm(token=mangle(token_of(confirm_path(message))))

    assert not refused.value.expired
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_unsubscribe_token_does_not_confirm(request_subscription):
    _, message = request_subscription()

    with pytest.raises(TokenInvalid):
        subscriber_confirm(token=token_of(unsubscribe_path(message)))


def test_links_stop_working_when_the_address_is_changed(request_subscription):
    subscriber, message = request_subscription("vecchio@example.com")
    Subscriber.objects.filter(pk=subscriber.pk).update(email="nuovo@example.com")

    with pytest.raises(TokenInvalid):
        subscriber_confirm(token=token_of(confirm_path(message)))
    with pytest.raises(TokenInvalid):
        subscriber_unsubscribe(token=token_of(unsubscribe_path(message)))


def test_tokens_never_carry_the_address(request_subscription):
    _, message = request_subscription("riservata@example.com")

    for path in (confirm_path(message), unsubscribe_path(message)):
        payload = signing.b64_decode(token_of(path).split(":")[0].encode())
        assert b"riservata" not in payload
        assert b"riservata" not in path.encode()


# One row per address.


def test_same_address_in_another_case_is_the_same_subscriber(request_subscription):
    first, _ = request_subscription("Anna.Rossi@Example.COM")
    second, _ = request_subscription("  anna.rossi@example.com ")

    assert first.pk == second.pk
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["anna.rossi@example.com"]


def test_database_refuses_a_second_spelling_of_an_address():
    Subscriber.objects.create(email="anna@example.com")

    with pytest.raises(IntegrityError):
        Subscriber.objects.bulk_create([Subscriber(email="ANNA@example.com")])


def test_asking_again_while_pending_sends_a_fresh_link_and_keeps_one_row(
    request_subscription, mailoutbox
):
    request_subscription(language="it")
    subscriber, message = request_subscription(language="en", ip_address="192.0.2.99")

    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 2
    subscriber.refresh_from_db()
    assert subscriber.language == "en"
    assert subscriber.ip_address == "192.0.2.99"
    assert subscriber_confirm(token=token_of(confirm_path(message))).status == "confirmed"


def test_confirmed_address_is_left_alone_and_told_it_is_already_subscribed(
    request_subscription, mailoutbox
):
    _, message = request_subscription(language="en")
    subscriber_confirm(token=token_of(confirm_path(message)))
    confirmed_at = Subscriber.objects.get().confirmed_at

    subscriber, note = request_subscription(language="en", ip_address="198.51.100.1")

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at == confirmed_at
    assert subscriber.ip_address == "192.0.2.1"
    assert "already subscribed" in note.subject
    assert "/conferma/" not in note.body
    assert unsubscribe_path(note)


def test_one_address_gets_a_limited_number_of_emails_whoever_asks(
    request_subscription, mailoutbox, settings
):
    settings.NEWSLETTER_MAILS_PER_ADDRESS = 2

    for n in range(4):
        request_subscription(ip_address=f"192.0.2.{n + 1}")

    assert len(mailoutbox) == 2
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_a_failing_mail_server_does_not_break_the_request(
    django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)

    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscriber_request(email="a@example.com", ip_address=None, language="it")

    assert Subscriber.objects.get().pk == subscriber.pk


# Emails.


def test_email_is_written_in_the_language_chosen_at_signup(request_subscription):
    _, message = request_subscription(language="en")

    assert message.subject == "Confirm your subscription to the Rivista newsletter"
    assert "someone, probably you, asked to receive" in message.body
    assert Subscriber.objects.get().language == "en"


def test_every_email_carries_one_click_unsubscribe_headers(request_subscription):
    _, message = request_subscription()

    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert header[1:-1].endswith(unsubscribe_path(message))


@pytest.mark.parametrize(
    "policy", [email.policy.SMTP, email.policy.default], ids=["smtp", "default"]
)
def test_list_unsubscribe_header_goes_out_on_one_line_not_encoded(
    request_subscription, settings, policy
):
    # A long public address makes the header far longer than the 78 characters Python folds at.
    settings.SITE_URL = "https://www.una-rivista-dal-nome-molto-lungo.example.it"
    _, message = request_subscription()
    url = message.extra_headers["List-Unsubscribe"]

    raw = message.message(policy=policy).as_bytes()

    assert f"\nList-Unsubscribe: {url}\n".encode() in raw.replace(b"\r\n", b"\n")
    assert b"=?utf-8?" not in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == url
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_links_in_emails_use_the_public_site_address(request_subscription, settings):
    settings.SITE_URL = "https://rivista.example/"

    _, message = request_subscription()

    assert "https://rivista.example/newsletter/conferma/" in message.body


# Unsubscribe.


def test_unsubscribe_link_takes_the_subscriber_off_the_list_and_never_expires(
    request_subscription,
):
    _, message = request_subscription()
    subscriber_confirm(token=token_of(confirm_path(message)))

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3 * 365)):
        subscriber = subscriber_unsubscribe(token=token_of(unsubscribe_path(message)))
        again = subscriber_unsubscribe(token=token_of(unsubscribe_path(message)))

    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert again.unsubscribed_at == subscriber.unsubscribed_at is not None


def test_confirmation_link_from_before_unsubscribing_no_longer_works(request_subscription):
    _, message = request_subscription()
    subscriber_unsubscribe(token=token_of(unsubscribe_path(message)))

    with pytest.raises(TokenInvalid):
        subscriber_confirm(token=token_of(confirm_path(message)))

    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_resubscribing_after_unsubscribe_goes_through_double_opt_in_again(
    request_subscription,
):
    _, first = request_subscription()
    subscriber_confirm(token=token_of(confirm_path(first)))
    subscriber_unsubscribe(token=token_of(unsubscribe_path(first)))

    subscriber, second = request_subscription()

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert "/conferma/" in second.body
    assert subscriber_confirm(token=token_of(confirm_path(second))).status == "confirmed"
    assert Subscriber.objects.count() == 1


def test_the_batch_unsubscribe_link_maker_gives_the_same_links():
    from newsletter.services import unsubscribe_url, unsubscribe_url_maker

    make = unsubscribe_url_maker()
    subscribers = [
        Subscriber.objects.create(email=f"r{n}@example.com", status=Subscriber.Status.CONFIRMED)
        for n in range(3)
    ]

    links = [make(subscriber) for subscriber in subscribers]

    assert links == [unsubscribe_url(subscriber) for subscriber in subscribers]
    assert len(set(links)) == 3
