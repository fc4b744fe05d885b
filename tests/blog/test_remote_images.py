"""No image from another site in a body: the policy blocks it (a broken image for readers, a
tracker in a newsletter), so articles and pages refuse it on save, through the admin as an editor
submits the form, and come back with the text as typed. The newsletter's introduction has its
test in tests/newsletter/test_remote_images.py; the rule is media.forms.validate_no_remote_images.
"""

import pytest
from django.urls import reverse

from blog.models import Article
from core.sanitizer import article_image_sources
from media.forms import is_our_image_address, remote_image_sources
from pages.models import Page
from tests.factories import article_admin_form_data, make_author, make_library_image, make_user
from tests.media.conftest import csrf_client

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
TRACKER = "https://tracker.example.net/pixel.gif?id=42"
PHOTO = "http://foto.example.org/lago.jpg"
TYPED = "Un testo scritto a mano, che non deve andare perso."
BODY = f'<p>{TYPED}</p><p><img src="{TRACKER}" alt="x"></p><p><img src="{PHOTO}" alt="Lago"></p>'


@pytest.fixture
def editor_browser():
    return csrf_client(make_user(groups=["Editors"]))


def refused_with_text_kept(response):
    assert response.status_code == 200
    form = response.context["adminform"].form
    (message,) = form.errors["body"]
    assert message == (
        f"These images are on other sites: {TRACKER}, {PHOTO}. Readers would not see them. "
        "Upload the files to the media library and insert them from there."
    )
    assert form["body"].value() == BODY  # the widget shows what was typed
    assert TYPED in response.text


def test_an_article_with_images_from_other_sites_is_refused_and_its_text_kept(editor_browser):
    client, token = editor_browser
    data = article_admin_form_data(author=make_author(), body=BODY, csrfmiddlewaretoken=token)

    refused_with_text_kept(client.post(reverse("admin:blog_article_add"), data, headers=ENGLISH))
    assert not Article.objects.exists()


def test_an_article_already_saved_cannot_gain_one(editor_browser):
    client, token = editor_browser
    data = article_admin_form_data(author=make_author(), csrfmiddlewaretoken=token)
    assert client.post(reverse("admin:blog_article_add"), data).status_code == 302
    article = Article.objects.get()

    data["body"] = f'<p>Nuovo.</p><img src="{TRACKER}" alt="">'
    response = client.post(
        reverse("admin:blog_article_change", args=[article.pk]), data, headers=ENGLISH
    )

    assert response.status_code == 200
    assert "This image is on another site: " + TRACKER in response.text
    article.refresh_from_db()
    assert TRACKER not in article.body


def test_a_page_with_images_from_other_sites_is_refused_and_its_text_kept(editor_browser):
    client, token = editor_browser
    data = {
        "title": "Chi siamo",
        "slug": "chi-siamo",
        "body": BODY,
        "status": "published",
        "order": 0,
        "csrfmiddlewaretoken": token,
    }

    refused_with_text_kept(client.post(reverse("admin:pages_page_add"), data, headers=ENGLISH))
    assert not Page.objects.exists()


def test_library_images_and_galleries_still_pass(editor_browser):
    client, token = editor_browser
    lake, hills = make_library_image(), make_library_image()
    body = (
        f'<figure data-align="wide"><img data-media-id="{lake.pk}" src="{lake.file.url}"'
        ' alt="Il lago"></figure>'
        f'<figure data-gallery="{lake.pk},{hills.pk}"></figure>'
        '<p><img src="/static/img/favicon.svg" alt=""></p>'
    )
    data = article_admin_form_data(author=make_author(), body=body, csrfmiddlewaretoken=token)

    assert client.post(reverse("admin:blog_article_add"), data).status_code == 302
    assert f'data-media-id="{lake.pk}"' in Article.objects.get().body
    page = {"title": "Foto", "slug": "foto", "body": body, "status": "draft", "order": 0}
    response = client.post(reverse("admin:pages_page_add"), {**page, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_image_sources_are_read_from_what_the_sanitizer_keeps():
    html = (
        f'<p><img src="{TRACKER}"></p><script><img src="https://in-a-script.example/"></script>'
        '<img src="javascript:alert(1)"><img src="data:image/png;base64,AAAA">'
        '<IMG SRC = "HTTPS://UPPER.example/A.PNG"><img alt="no source"><img src=" ">'
    )
    assert article_image_sources(html) == [TRACKER, "HTTPS://UPPER.example/A.PNG"]


@pytest.mark.parametrize(
    ("src", "ours"),
    [
        ("/media/library/2026/12/lago.jpg", True),
        ("lago.jpg", True),
        ("http://127.0.0.1:8000/media/lago.jpg", True),  # on SITE_URL
        ("https://cdn.example.com/rivista/lago.jpg", True),  # under the absolute MEDIA_URL
        ("https://cdn.example.com/altro/lago.jpg", False),
        ("//tracker.example.net/p.gif", False),
        ("https://127.0.0.1.example.net/p.gif", False),
        ("mailto:someone@example.com", False),
    ],
)
def test_which_addresses_are_ours(settings, src, ours):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.MEDIA_URL = "https://cdn.example.com/rivista/"
    assert is_our_image_address(src) is ours


def test_each_remote_address_is_named_once():
    html = f'<img src="{TRACKER}"><img src="{PHOTO}"><img src="{TRACKER}">'
    assert remote_image_sources(html) == [TRACKER, PHOTO]
