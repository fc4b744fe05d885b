"""The comment form as readers meet it: labels, required fields, errors that lose nothing."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.helpers import post_url, textarea_text
from tests.factories import find_elements, make_article, post_form_data

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
REQUIRED = ("author_name", "author_email", "body")


def attributes_of(html: str, tag: str, name: str) -> dict:
    (element,) = find_elements(html, tag, name=name)
    return dict(element.attributes)


def field_block(html: str, field: str):
    """The <p class="comment-form-<field>"> holding the label, the input and its error."""
    (block,) = find_elements(html, "p", class_=f"comment-form-{field}")
    return block


def text_of(element) -> str:
    return " ".join(str(element).split())


# What the empty form says and marks.


def test_form_says_the_email_address_will_not_be_published(client):
    response = client.get(make_article().get_absolute_url(), headers=ENGLISH)

    (note,) = find_elements(response.text, "span", id="email-notes")
    assert "".join(map(str, note.children)).strip() == "Your email address will not be published."


def test_form_says_the_email_address_will_not_be_published_in_italian(client):
    response = client.get(make_article().get_absolute_url(), headers={"accept-language": "it"})

    (note,) = find_elements(response.text, "span", id="email-notes")
    assert "".join(map(str, note.children)).strip() == (
        "Il tuo indirizzo email non sarà pubblicato."
    )


@pytest.mark.parametrize("field", REQUIRED)
def test_required_fields_are_starred_required_and_aria_required(client, field):
    html = client.get(make_article().get_absolute_url()).text

    tag = "textarea" if field == "body" else "input"
    attributes = attributes_of(html, tag, field)
    assert "required" in attributes
    assert attributes["aria-required"] == "true"
    (label,) = find_elements(str(field_block(html, field)), "label")
    assert find_elements(str(label), "span", class_="required")


def test_website_field_is_optional(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).text

    attributes = attributes_of(html, "input", "author_url")
    assert "required" not in attributes
    assert "aria-required" not in attributes
    (label,) = find_elements(str(field_block(html, "author_url")), "label")
    assert not find_elements(str(label), "span", class_="required")

    response = client.post(post_url(article), post_form_data(article, author_url=""))
    assert response.status_code == 302
    assert Comment.objects.get().author_url == ""


@pytest.mark.parametrize("checkbox", ["remember", "notify_on_reply"])
def test_checkboxes_are_off_by_default(client, checkbox):
    html = client.get(make_article().get_absolute_url()).text

    attributes = attributes_of(html, "input", checkbox)
    assert attributes["type"] == "checkbox"
    assert "checked" not in attributes


@pytest.mark.parametrize("notify", [True, False])
def test_notify_on_reply_choice_is_stored_on_the_comment(client, notify):
    article = make_article()
    data = post_form_data(article)
    if notify:
        data["notify_on_reply"] = "on"

    assert client.post(post_url(article), data).status_code == 302

    assert Comment.objects.get().notify_on_reply is notify


# Invalid posts: a 4xx page, the error beside its field, nothing typed lost.

LONG_BODY = "Parola " * 800  # 5,600 characters.
INVALID_POSTS = {
    "email-missing": ("author_email", {"author_email": ""}, "This field is required."),
    "email-invalid": ("author_email", {"author_email": "non-una-email"}, "valid email"),
    "name-missing": ("author_name", {"author_name": ""}, "This field is required."),
    "name-too-long": ("author_name", {"author_name": "N" * 101}, "at most 100 characters"),
    "body-empty": ("body", {"body": "   \n  "}, "This field is required."),
    "body-too-long": ("body", {"body": LONG_BODY}, "at most 5000 characters"),
    "website-ftp-host": ("author_url", {"author_url": "ftp://x"}, "valid URL"),
    "website-ftp": (
        "author_url",
        {"author_url": "ftp://files.example.org/a"},
        "starting with http:// or https://",
    ),
    "website-javascript": ("author_url", {"author_url": "javascript:alert(1)"}, "valid URL"),
}


@pytest.mark.parametrize("case", INVALID_POSTS)
def test_invalid_post_comes_back_with_the_error_beside_the_field_and_the_input_kept(client, case):
    field, overrides, message = INVALID_POSTS[case]
    article = make_article()
    typed = {
        "author_name": "Maria Bianchi",
        "author_email": "maria.bianchi@example.com",
        "author_url": "https://maria.example.org/",
        "body": "Il mio commento <b>importante</b>,\nsu due righe.",
        **overrides,
    }
    data = post_form_data(article, **typed)

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert response.status_code == 400
    assert not Comment.objects.exists()
    block = field_block(response.text, field)
    assert "has-error" in dict(block.attributes)["class"].split()
    (error,) = find_elements(str(block), "span", class_="field-error")
    assert message in text_of(error)
    for name in ("author_name", "author_email", "author_url"):
        assert attributes_of(response.text, "input", name).get("value", "") == typed[name]
    # The HTML parser folds whitespace; the words and the typed markup are all there.
    assert textarea_text(response.text) == " ".join(typed["body"].split())


def test_invalid_field_is_marked_for_assistive_technology(client):
    article = make_article()
    data = post_form_data(article, author_email="non-una-email")

    response = client.post(post_url(article), data, headers=ENGLISH)

    attributes = attributes_of(response.text, "input", "author_email")
    assert attributes["aria-invalid"] == "true"
    assert attributes["aria-describedby"] == "id_author_email-error"
    assert find_elements(response.text, "span", id="id_author_email-error")
    assert "aria-invalid" not in attributes_of(response.text, "input", "author_name")


def test_invalid_post_keeps_the_typed_invalid_value_in_its_input(client):
    article = make_article()
    data = post_form_data(article, author_url="javascript:alert(1)", body="Testo tenuto.")

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert attributes_of(response.text, "input", "author_url")["value"] == "javascript:alert(1)"
    assert textarea_text(response.text) == "Testo tenuto."


# CSRF.


def test_post_without_csrf_token_is_forbidden():
    article = make_article()
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(post_url(article), post_form_data(article))

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_with_the_csrf_token_from_the_page_is_accepted():
    article = make_article()
    browser = Client(enforce_csrf_checks=True)
    browser.get(article.get_absolute_url())
    token = browser.cookies["csrftoken"].value

    response = browser.post(post_url(article), post_form_data(article, csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert Comment.objects.count() == 1
