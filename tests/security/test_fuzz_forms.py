"""The second wave's forms under fire: follow a discussion, report a comment, edit a comment, the
contact form, the media library's upload and newsletter issues (compose, send) in the admin.

Each form is read from its page as a browser reads it (CSRF token, hidden timestamp, honeypot,
management forms), by a client that checks CSRF as a real server does; the admin's are used by
a member of Editors, the group the migrations make. Then:
- the corpus (xss_vectors: every markup vector and every field abuse) goes into each field in
  turn, the rest of the form valid, so each value reaches the code behind the field;
- Hypothesis fills every field at once with anything, and now and then spoils the CSRF token,
  the timestamp or the honeypot, or sends the form where it does not belong.
The property of test_fuzz.py holds for every answer: no 5xx, redirects stay here, refusals are
4xx pages that say why. Rate limits are raised so the forms are reached, not the limiter.
"""

import io
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from comments.flag_views import FlagForm
from comments.following_views import FollowForm
from comments.models import Comment
from contact.forms import ContactForm
from newsletter.models import Issue
from pages.models import Page
from tests.factories import (
    make_article,
    make_comment,
    make_image_bytes,
    make_user,
    post_form_data,
)
from tests.newsletter.conftest import make_issue, make_subscriber
from tests.security.fuzzing import (
    ANY_TEXT,
    CORPUS,
    SHORT_TEXT,
    assert_handled,
    browser,
    examples,
    mostly,
)
from tests.security.helpers import form_fields, refusal_message
from tests.security.xss_vectors import FIELD_ABUSE

pytestmark = pytest.mark.django_db

SERIAL = itertools.count()
READER_IP = "198.51.100.23"


def fresh(form_class, scope, prefix="") -> dict:
    """A timestamp the form accepts once: signed a minute ago, as if the reader took that long."""
    with time_machine.travel(time.time() - 60, tick=False):
        return {f"{prefix}timestamp": form_class.sign(scope)}


@dataclass
class Form:
    """One form as the browser has it, and how to send it again with some fields changed."""

    client: Client
    url: str
    fields: dict
    corpus_fields: list[str]  # where the corpus goes, one field at a time
    renew: Callable[[], dict] = dict  # what a browser would have anew for each post
    files: Callable[[str], dict] | None = None  # the files part of a multipart form
    extra: dict = field(default_factory=dict)  # headers and environ

    def data(self, overrides: dict) -> dict:
        return {**self.fields, **self.renew(), **overrides}

    def post(self, overrides: dict, **extra):
        data = self.data(overrides)
        if self.files is not None:
            data |= self.files(overrides.pop("_file_name", None))
        return self.client.post(self.url, data, **{**self.extra, **extra})


def read_form(client, page_url, containing, **extra) -> dict:
    response = client.get(page_url, **extra)
    assert response.status_code == 200, (page_url, response.status_code)
    return form_fields(response.text, containing)


@pytest.fixture(autouse=True)
def _limits_out_of_the_way(settings, one_rendition_width, unobserved_templates):
    settings.COMMENTS_RATE_LIMIT = 1_000_000
    settings.COMMENTS_FLAG_RATE_LIMIT = 1_000_000
    settings.COMMENTS_FOLLOW_RATE_LIMIT = 1_000_000
    settings.CONTACT_RATE_LIMIT = 1_000_000
    settings.NEWSLETTER_RATE_LIMIT = 1_000_000
    settings.NEWSLETTER_MAILS_PER_ADDRESS = 1_000_000


@pytest.fixture
def article():
    return make_article(title="Un articolo con la discussione aperta")


@pytest.fixture
def editor_browser():
    client = browser()
    client.force_login(make_user(groups=["Editors"], email="redazione@example.com"))
    return client


# The public forms.


@pytest.fixture
def follow(article):
    client = browser(REMOTE_ADDR=READER_IP)
    url = reverse("comments:follow", args=[article.pk])
    return Form(
        client,
        url,
        read_form(client, url, "follow-email") | {"follow-email": ["lettrice@example.com"]},
        ["follow-email", "follow-frequency", "follow-website_confirm"],
        renew=lambda: fresh(FollowForm, f"follow:{article.pk}", "follow-"),
    )


@pytest.fixture
def report(article):
    comment = make_comment(article, body="Un commento da segnalare.")
    client = browser(REMOTE_ADDR=READER_IP)
    url = reverse("comments:flag", args=[comment.pk])
    fields = read_form(client, url, "text") | {"reason": ["other"], "text": ["Insulta."]}
    return Form(
        client,
        url,
        fields,
        ["text", "reason", "website_confirm"],
        renew=lambda: fresh(FlagForm, comment.pk),
    )


@pytest.fixture
def edit(article, settings):
    """A reader's own comment, posted through the form in this browser: theirs to edit."""
    settings.COMMENTS_REQUIRE_APPROVAL = False
    client = browser(REMOTE_ADDR=READER_IP)
    token = read_form(client, article.get_absolute_url(), "body")["csrfmiddlewaretoken"]
    posted = client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, body="La mia prima stesura.") | {"csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 302
    comment = Comment.objects.get(body="La mia prima stesura.")
    url = reverse("comments:edit", args=[comment.pk])
    return Form(client, url, read_form(client, url, "body"), ["body"])


@pytest.fixture
def contact():
    page = Page.objects.create(
        title="Contatti", slug="contatti", status="published", template="contact/page.html"
    )
    client = browser(REMOTE_ADDR=READER_IP)
    return Form(
        client,
        reverse("contact:send"),
        read_form(client, page.get_absolute_url(), "contact-name")
        | {
            "contact-name": ["Giulia Verdi"],
            "contact-email": ["giulia@example.org"],
            "contact-subject": ["Un errore"],
            "contact-message": ["Nel terzo paragrafo la data è sbagliata."],
        },
        ["contact-name", "contact-email", "contact-subject", "contact-message"],
        renew=lambda: fresh(ContactForm, "", "contact-"),
    )


# The admin's forms, used by an editor.

PNG = make_image_bytes("PNG", size=(8, 6))
FILES = [
    ("foto.png", PNG, "image/png"),
    ("foto.png", PNG[:40], "image/png"),  # cut short
    ("foto.gif", b"GIF89a<script>alert(1)</script>", "image/gif"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("vuoto.jpg", b"", "image/jpeg"),
    ("pagina.html", b"<!DOCTYPE html><script>alert(1)</script>", "text/html"),
    ("dati.bin", bytes(range(256)) * 8, "application/octet-stream"),
]


FILE_TURNS = itertools.cycle(FILES)


def upload_files(name: str | None) -> dict:
    """A valid image; when a name is given (fuzzing), one file a turn from FILES under it."""
    default_name, content, _ = FILES[0] if name is None else next(FILE_TURNS)
    file = io.BytesIO(content)
    file.name = name or default_name  # any name, as a browser may send it
    return {"files": file}


@pytest.fixture
def upload(editor_browser):
    url = reverse("admin:media_upload")
    return Form(
        editor_browser,
        url,
        read_form(editor_browser, url, "credit"),
        ["credit", "source", "_file_name"],
        files=upload_files,
    )


@pytest.fixture
def issue_add(editor_browser, article):
    url = reverse("admin:newsletter_issue_add")
    fields = read_form(editor_browser, url, "subject")
    fields |= {"subject": ["Il numero della settimana"], "intro": ["<p>Buongiorno.</p>"]}
    return Form(
        editor_browser,
        url,
        fields,
        ["subject", "preheader", "intro", "slug"],
        renew=lambda: {"slug": f"numero-{next(SERIAL)}"},
    )


@pytest.fixture
def issue_send(editor_browser, article):
    make_subscriber("abbonata@example.com")
    issue = make_issue(articles=[article])
    url = reverse("admin:newsletter_issue_send", args=[issue.pk])
    fields = read_form(editor_browser, url, "send_at") | {"action": ["schedule"]}

    def back_to_draft():
        # What the last post did (sent, scheduled, cancelled), undone: each post finds a draft.
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT, send_at=None)
        return {}

    return Form(editor_browser, url, fields, ["send_at", "action"], renew=back_to_draft)


SURFACES = ["follow", "report", "edit", "contact", "upload", "issue_add", "issue_send"]


# Every value of the corpus in every field, one field at a time.


@pytest.mark.parametrize("surface", SURFACES)
def test_the_corpus_in_every_field_of_every_form_is_handled(request, surface):
    form = request.getfixturevalue(surface)
    for name in form.corpus_fields:
        for value in CORPUS:
            assert_handled(form.post({name: value}))
    # The form still works after all that: the valid one is accepted.
    assert form.post({}).status_code in (200, 302)


# Everything at once, with the browser's own parts spoiled now and then.

SPOILED_TOKENS = st.sampled_from(["", "x", "a" * 64, "\x00" * 32, "é" * 32])


@examples(30)
@pytest.mark.parametrize("surface", SURFACES)
@given(data=st.data())
def test_every_form_fuzzed_whole_never_fails(request, surface, data):
    form = request.getfixturevalue(surface)
    overrides = {
        name: data.draw(mostly(value, st.one_of(ANY_TEXT, st.lists(SHORT_TEXT, max_size=3))))
        for name, value in form.data({}).items()
        if name not in ("csrfmiddlewaretoken", "_file_name")
    }
    overrides["csrfmiddlewaretoken"] = data.draw(
        mostly(form.fields.get("csrfmiddlewaretoken"), SPOILED_TOKENS, odds=7)
    )
    if form.files is not None:
        overrides["_file_name"] = data.draw(mostly("foto.png", SHORT_TEXT.filter(bool)))
    if data.draw(st.integers(0, 9)) == 0:
        overrides[data.draw(SHORT_TEXT.filter(bool))] = data.draw(SHORT_TEXT)
    headers = {"accept-language": data.draw(st.sampled_from(["it", "en", "xx", "", "*;q=x"]))}
    if form.files is not None and data.draw(st.booleans()):
        headers["accept"] = "application/json"

    assert_handled(form.post(overrides, headers=headers))


def test_the_field_abuse_corpus_is_in_the_run():
    assert set(FIELD_ABUSE) <= set(CORPUS)


def test_a_follow_request_without_a_frequency_says_so_beside_the_choice(follow):
    """Found by the run: the refusal came back with the error nowhere on the page."""
    response = follow.post({"follow-frequency": ""}, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert "This field is required." in refusal_message(response.text)
