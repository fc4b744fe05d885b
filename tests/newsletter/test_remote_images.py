"""A newsletter's introduction shows no image from another site: in a mail client it would tell
that site who opened the issue, and when. Refused on save, the form kept as typed; images of our
own site pass (the email makes their addresses absolute)."""

import pytest
from django.urls import reverse

from newsletter.models import Issue
from newsletter.rendering import render_issue
from tests.factories import make_library_image, make_user
from tests.media.conftest import csrf_client
from tests.newsletter.conftest import make_issue

pytestmark = pytest.mark.django_db
ADD = reverse("admin:newsletter_issue_add")
ENGLISH = {"accept-language": "en"}
TRACKER = "https://tracker.example.net/open.gif?who=42"
TYPED = "Care lettrici, cari lettori: questa settimana si parla di laghi."


def issue_data(intro: str, token: str, **fields) -> dict:
    return {
        "subject": "Numero uno",
        "preheader": "Le letture della settimana",
        "intro": intro,
        "slug": "numero-uno",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "csrfmiddlewaretoken": token,
        **fields,
    }


@pytest.fixture
def editor_browser():
    return csrf_client(make_user(groups=["Editors"], email="editor@example.com"))


def test_an_introduction_with_a_remote_image_is_refused_and_kept(editor_browser):
    client, token = editor_browser
    intro = f'<p>{TYPED}</p><p><img src="{TRACKER}" alt=""></p>'

    response = client.post(ADD, issue_data(intro, token), headers=ENGLISH)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["intro"] == [
        f"This image is on another site: {TRACKER}. Readers would not see it. "
        "Upload the file to the media library and insert it from there."
    ]
    assert form["intro"].value() == intro
    assert TYPED in response.text
    assert not Issue.objects.exists()


def test_an_issue_being_edited_cannot_gain_one(editor_browser):
    client, token = editor_browser
    issue = make_issue(slug="numero-uno")
    change = reverse("admin:newsletter_issue_change", args=[issue.pk])

    response = client.post(change, issue_data(f'<img src="{TRACKER}">', token), headers=ENGLISH)

    assert response.status_code == 200
    issue.refresh_from_db()
    assert TRACKER not in issue.intro


def test_a_library_image_in_the_introduction_passes_and_reaches_the_email(editor_browser, settings):
    settings.SITE_URL = "https://rivista.example.it"
    client, token = editor_browser
    image = make_library_image()
    intro = f'<p>{TYPED}</p><p><img src="{image.file.url}" alt="Il lago"></p>'

    assert client.post(ADD, issue_data(intro, token)).status_code == 302
    html = render_issue(Issue.objects.get()).html
    assert f'src="https://rivista.example.it{image.file.url}"' in html
