"""The reader's side: the footer form, the answers it gets, the links in the emails."""

import datetime
import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.text import clean_text
from newsletter.models import Subscriber
from tests.factories import csrf_browser, csrf_post_data, find_elements, make_article
from tests.newsletter.helpers import confirm_path, signup_data, unsubscribe_path

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
SIGNUP = reverse("newsletter:signup")
CHECK_INBOX = reverse("newsletter:check-inbox")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Send the sign-up form as a browser would, running the after-commit email."""

    def send(data, *, ip="192.0.2.10", follow=False):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, data, headers=ENGLISH, REMOTE_ADDR=ip, follow=follow)

    return send


def email_input(html: str):
    (field,) = find_elements(html, "input", name="newsletter-email")
    return dict(field.attributes)


def confirm(message):
    """What the reader does with a confirmation email: open the link, press the button (a
    browser holding the page's CSRF cookie and token)."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    path = confirm_path(message)
    page = browser.get(path, headers=ENGLISH)
    if page.status_code != 200:
        return page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(path, {"csrfmiddlewaretoken": token}, headers=ENGLISH)


def text_of(html: str, tag: str, **attrs) -> str:
    return " ".join(" ".join(str(element) for element in find_elements(html, tag, **attrs)).split())


def without_csrf_token(html: str) -> str:
    """The page less its per-render tokens: the CSRF token and the form's one-use timestamp."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="newsletter-timestamp" value="[^"]*"', "", html)


# The footer form.


def test_footer_form_appears_on_the_home_page(client):
    response = client.get(reverse("blog:home"), headers=ENGLISH)

    (footer,) = find_elements(response.text, "footer", class_="site-footer")
    (form,) = find_elements(str(footer), "form", id="newsletter")
    attrs = dict(form.attributes)
    assert attrs["action"] == SIGNUP
    assert attrs["method"] == "post"
    assert "Get the best industry updates" in str(footer)
    assert find_elements(str(form), "input", name="csrfmiddlewaretoken")
    assert find_elements(str(form), "label", **{"for": "id_newsletter-email"})
    assert "By subscribing you agree to receive our newsletter by email." in str(form)


def test_footer_form_appears_on_an_article_page_beside_the_comment_form(client):
    article = make_article()

    response = client.get(article.get_absolute_url(), headers=ENGLISH)

    assert response.status_code == 200
    assert find_elements(response.text, "form", id="newsletter")
    assert find_elements(response.text, "form", id="commentform")
    ids = re.findall(r'\sid="([^"]+)"', response.text)
    assert len(ids) == len(set(ids)), "the two forms must not share element ids"
    (signup,) = find_elements(response.text, "form", id="newsletter")
    (comment,) = find_elements(response.text, "form", id="commentform")
    names = {dict(i.attributes)["name"] for i in find_elements(str(signup), "input")}
    comment_names = {dict(i.attributes)["name"] for i in find_elements(str(comment), "input")}
    assert names & comment_names == {"csrfmiddlewaretoken"}


def test_footer_form_speaks_italian_by_default(client):
    response = client.get(reverse("blog:home"))

    assert response.headers["Content-Language"] == "it"
    (label,) = find_elements(response.text, "label", **{"for": "id_newsletter-email"})
    assert str(label.children[0]).strip() == "Indirizzo email"


def test_signup_page_shows_the_form_once(client):
    response = client.get(SIGNUP, headers=ENGLISH)

    assert response.status_code == 200
    assert len(find_elements(response.text, "form", id="newsletter")) == 1


# Signing up.


def test_signup_redirects_to_check_your_inbox_and_mails_the_link(post, mailoutbox, client):
    response = post(signup_data("lettrice@example.com"))

    assert response.status_code == 302
    assert response["Location"] == CHECK_INBOX
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    (message,) = mailoutbox
    assert message.to == ["lettrice@example.com"]
    page = client.get(CHECK_INBOX, headers=ENGLISH)
    assert "Check your inbox" in page.text


def test_nobody_is_confirmed_until_the_link_is_followed(post, mailoutbox, client):
    post(signup_data("lettrice@example.com"))
    assert not Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exists()

    response = confirm(mailoutbox[0])

    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_mail_scanner_following_the_confirmation_link_confirms_nothing(post, mailoutbox):
    post(signup_data("lettrice@example.com"))
    path = confirm_path(mailoutbox[0])

    asked = Client().get(path, headers=ENGLISH)  # what a link scanner does

    assert asked.status_code == 200
    assert "Confirm your subscription" in asked.text
    assert find_elements(asked.text, "form", method="post", action=path)  # its button
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert confirm(mailoutbox[0]).status_code == 200  # the reader's click
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_the_confirmation_button_needs_the_page_csrf_token(post, mailoutbox):
    post(signup_data())
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)

    refused = browser.post(confirm_path(mailoutbox[0]))

    assert refused.status_code == 403
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_following_the_confirmation_link_twice_is_fine(post, mailoutbox, client):
    post(signup_data())

    first = confirm(mailoutbox[0])
    second = confirm(mailoutbox[0])

    assert first.status_code == second.status_code == 200
    assert "Subscription confirmed" in second.text
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_same_address_in_another_case_makes_one_subscriber(post):
    post(signup_data("Marco.Bianchi@Example.it"))
    post(signup_data("marco.bianchi@example.IT"))

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["marco.bianchi@example.it"]


def test_language_of_the_page_is_kept_for_the_emails(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data("en@example.com"), headers=ENGLISH)
        client.post(SIGNUP, signup_data("it@example.com"), headers={"accept-language": "it"})

    languages = dict(Subscriber.objects.values_list("email", "language"))
    assert languages == {"en@example.com": "en", "it@example.com": "it"}


def test_same_answer_for_new_pending_confirmed_and_unsubscribed_addresses(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    Subscriber.objects.create(email="pending@example.com")
    Subscriber.objects.create(email="confirmed@example.com", status="confirmed")
    Subscriber.objects.create(email="gone@example.com", status="unsubscribed")
    addresses = [
        "new@example.com",
        "pending@example.com",
        "confirmed@example.com",
        "gone@example.com",
    ]
    forms = [signup_data(address) for address in addresses]

    answers = []
    # Frozen: the footer form on the answer page carries a timestamp signed at render time.
    with time_machine.travel(timezone.now(), tick=False):
        for n, data in enumerate(forms):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    SIGNUP, data, headers=ENGLISH, REMOTE_ADDR=f"192.0.2.{n + 1}"
                )
            page = client.get(response["Location"], headers=ENGLISH)
            answers.append(
                (
                    response.status_code,
                    response["Location"],
                    response.content,
                    sorted(response.cookies),
                    page.status_code,
                    without_csrf_token(page.text),
                )
            )

    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 302
    assert "Check your inbox" in answers[0][5]
    # Every address heard from us (a link, or an "already subscribed" note): same work, same time.
    assert sorted(message.to[0] for message in mailoutbox) == sorted(addresses)


def test_answer_pages_never_show_the_address(post, mailoutbox, client):
    response = post(signup_data("segreta.lettrice@example.com"), follow=True)
    confirmed = confirm(mailoutbox[0])
    unsubscribed = client.get(unsubscribe_path(mailoutbox[0]), headers=ENGLISH)

    for page in (response, confirmed, unsubscribed):
        assert page.status_code == 200
        assert "segreta" not in page.text


# Refusals: the form comes back with the text kept and the reason beside the field.


@pytest.mark.parametrize(
    "typed", ["non-una-email", "anna@", "anna@example..com", "a" * 250 + "@x.it", "\u200b\x00"]
)
def test_invalid_address_comes_back_with_the_text_kept_and_the_error_beside_it(
    post, mailoutbox, typed
):
    response = post(signup_data(typed))

    assert response.status_code == 400
    # Invisible characters are dropped before validation (core.text); the rest comes back.
    assert email_input(response.text).get("value", "") == clean_text(typed)
    assert email_input(response.text)["aria-invalid"] == "true"
    (error,) = find_elements(response.text, "span", id="id_newsletter-email-error")
    assert any(
        reason in str(error)
        for reason in ("valid email address", "at most 254", "This field is required")
    )
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_empty_address_is_refused_with_a_message(post):
    response = post(signup_data(""))

    assert response.status_code == 400
    assert "This field is required." in text_of(response.text, "span", class_="field-error")


def test_filled_honeypot_is_refused_and_nothing_is_stored(post, mailoutbox):
    response = post(signup_data("bot@example.com", website_confirm="http://spam.example"))

    assert response.status_code == 400
    assert "Your request looks automated and was not sent." in text_of(
        response.text, "div", class_="form-errors"
    )
    assert email_input(response.text)["value"] == "bot@example.com"
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_honeypot_is_hidden_from_people_and_empty(client):
    response = client.get(reverse("blog:home"))

    (box,) = find_elements(response.text, "p", class_="newsletter-hp")
    assert dict(box.attributes)["aria-hidden"] == "true"
    (field,) = find_elements(str(box), "input", name="newsletter-website_confirm")
    assert dict(field.attributes)["tabindex"] == "-1"
    assert "value" not in dict(field.attributes)


def test_form_sent_too_fast_is_refused_with_the_address_kept(post, mailoutbox):
    response = post(signup_data("svelta@example.com", age_seconds=0))

    assert response.status_code == 400
    assert "That was very fast." in text_of(response.text, "div", class_="form-errors")
    assert email_input(response.text)["value"] == "svelta@example.com"
    assert mailoutbox == []


def test_form_without_a_valid_timestamp_is_refused(post):
    response = post(signup_data("a@example.com", timestamp="forged"))

    assert response.status_code == 400
    assert "The form could not be verified." in response.text
    assert not Subscriber.objects.exists()


def test_rate_limit_answers_429_then_another_ip_is_served(post, settings, mailoutbox):
    settings.NEWSLETTER_RATE_LIMIT = 3

    answers = [post(signup_data(f"r{n}@example.com"), ip="203.0.113.5") for n in range(3)]
    limited = post(signup_data("ancora@example.com"), ip="203.0.113.5")
    elsewhere = post(signup_data("altrove@example.com"), ip="203.0.113.6")

    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert limited.status_code == 429
    assert "Too many sign-up requests. Wait a few minutes, then try again." in text_of(
        limited.text, "div", class_="form-errors"
    )
    assert email_input(limited.text)["value"] == "ancora@example.com"
    assert not Subscriber.objects.filter(email="ancora@example.com").exists()
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == 4


def test_rate_limit_window_passes(post, settings):
    settings.NEWSLETTER_RATE_LIMIT = 1
    # A real two-second window: Redis expires keys on its own clock, which time_machine cannot
    # move, and the test must hold on every cache backend CI runs.
    settings.NEWSLETTER_RATE_WINDOW = 2
    post(signup_data("uno@example.com"))
    assert post(signup_data("due@example.com")).status_code == 429

    time.sleep(2.2)
    later = post(signup_data("due@example.com"))

    assert later.status_code == 302


def test_signup_needs_a_csrf_token(django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)

    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


# Links from the emails.


def test_expired_confirmation_link_gives_a_clear_400_and_a_way_to_sign_up_again(
    post, mailoutbox, client, settings
):
    settings.NEWSLETTER_CONFIRM_DAYS = 7
    post(signup_data())

    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(confirm_path(mailoutbox[0]), headers=ENGLISH)

    assert response.status_code == 400
    assert "This confirmation link has expired" in response.text
    (form,) = find_elements(response.text, "form", id="newsletter")
    assert dict(form.attributes)["action"] == SIGNUP
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.parametrize("url_name", ["newsletter:confirm", "newsletter:unsubscribe"])
def test_forged_link_gives_a_clear_400_and_a_way_to_sign_up_again(client, url_name):
    response = client.get(reverse(url_name, args=["eyJzIjoxfQ:forged:signature"]), headers=ENGLISH)

    assert response.status_code == 400
    assert "This link is not valid" in response.text
    assert find_elements(response.text, "form", id="newsletter")
    assert '<meta name="robots" content="noindex">' in response.text


def test_unsubscribe_link_asks_on_get_and_takes_the_reader_off_the_list_on_post(
    post, mailoutbox, client
):
    post(signup_data())
    confirm(mailoutbox[0])

    # A mail scanner following the link changes nothing: the page asks.
    asked = client.get(unsubscribe_path(mailoutbox[0]), headers=ENGLISH)
    assert asked.status_code == 200
    assert "Unsubscribe from the newsletter?" in asked.text
    assert find_elements(
        asked.text, "form", method="post", action=unsubscribe_path(mailoutbox[0])
    )  # its button
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(mailoutbox[0]), headers=ENGLISH
    )

    assert response.status_code == 200
    assert "You have unsubscribed" in response.text
    assert "sign up again" in response.text
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_one_click_unsubscribe_post_works_without_a_csrf_token(post, mailoutbox):
    post(signup_data())
    mail_client = Client(enforce_csrf_checks=True)
    header = mailoutbox[0].extra_headers["List-Unsubscribe"]
    path = re.sub(r"^<https?://[^/]+", "", header).rstrip(">")

    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_resubscribing_after_unsubscribe_needs_a_new_confirmation(post, mailoutbox, client):
    post(signup_data())
    confirm(mailoutbox[0])
    client.post(unsubscribe_path(mailoutbox[0]))

    response = post(signup_data())

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    # The first confirmation link predates the unsubscribe: it confirms nothing any more.
    assert client.get(confirm_path(mailoutbox[0])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert confirm(mailoutbox[-1]).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_confirmation_link_from_before_an_unsubscribe_never_confirms_a_new_sign_up(
    post, mailoutbox, client
):
    post(signup_data())
    old_link = confirm_path(mailoutbox[0])
    client.post(unsubscribe_path(mailoutbox[0]))  # still pending: changed their mind
    post(signup_data())  # someone signs the address up again

    assert client.get(old_link).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_link_pages_are_never_cached(post, mailoutbox, client):
    post(signup_data())

    response = client.get(confirm_path(mailoutbox[0]))

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_150_plus_addresses_of_one_mailbox_from_150_clients_get_three_mails(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """The mailbox cap holds across client addresses, `+tag`s and case; the answer is the same
    whether a mail went out or not."""
    settings.NEWSLETTER_MAILS_PER_ADDRESS = 3
    answers = set()
    for n in range(150):
        browser = csrf_browser(f"10.3.{n}.1")
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(SIGNUP, csrf_post_data(signup_data(f"Vittima+{n}@X.org")))
        answers.add((response.status_code, response["Location"]))

    assert answers == {(302, CHECK_INBOX)}
    assert len(mailoutbox) == 3
