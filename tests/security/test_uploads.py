"""Uploads can never become active content: SVG and anything that is not a JPEG, PNG, WebP or GIF
is refused (cover and avatar alike); what is accepted is re-encoded from its pixels and stored
under the extension of its real format, whatever it was called, so the media is only ever served
as an image.
"""

import io
import mimetypes
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve
from PIL import Image

from blog.models import Article, Author
from media import pipeline as images
from tests.factories import (
    article_admin_form_data,
    make_author,
    make_image_bytes,
    make_upload,
)

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
STORED_EXTENSIONS = {f".{extension}" for extension in images.ALLOWED_FORMATS.values()}
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(1)"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
# Not images, whatever they are called or claim to be.
NOT_IMAGES = [
    ("logo.svg", SVG, "image/svg+xml"),
    ("logo.svgz", SVG, "image/svg+xml"),
    ("logo.png", SVG, "image/png"),
    ("logo.jpg", b"\n\n" + SVG, "image/jpeg"),
    ("pagina.html", HTML, "text/html"),
    ("pagina.jpg", HTML, "image/jpeg"),
    ("script.js", b"alert(1)", "application/javascript"),
    (
        "documento.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>",
        "application/pdf",
    ),
    ("archivio.gif", b"GIF89a<script>alert(1)</script>", "image/gif"),
    ("vuoto.png", b"", "image/png"),
]


def post_cover(client, upload, slug="con-copertina"):
    data = article_admin_form_data(author=make_author(), slug=slug, cover=upload)
    return client.post(reverse("admin:blog_article_add"), data, headers=ENGLISH)


def post_avatar(client, upload, slug="autrice"):
    data = {"display_name": "Carla Verdi", "slug": slug, "bio": "", "avatar": upload}
    return client.post(reverse("admin:blog_author_add"), data, headers=ENGLISH)


def field_errors(response, name) -> list[str]:
    return response.context["adminform"].form.errors.get(name, [])


@pytest.mark.parametrize(("name", "content", "content_type"), NOT_IMAGES)
def test_non_images_are_refused_as_cover_with_a_message(
    editor_client, settings, name, content, content_type
):
    response = post_cover(
        editor_client, make_upload(name, content=content, content_type=content_type)
    )

    assert response.status_code == 200
    assert field_errors(response, "cover")
    assert not Article.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


@pytest.mark.parametrize(("name", "content", "content_type"), NOT_IMAGES)
def test_non_images_are_refused_as_avatar_with_a_message(
    editor_client, name, content, content_type
):
    response = post_avatar(
        editor_client, make_upload(name, content=content, content_type=content_type)
    )

    assert response.status_code == 200
    assert field_errors(response, "avatar")
    assert not Author.objects.exists()


# Names a server could take for something else: refused before the content is even read.
SCRIPT_NAMES = [
    "foto.html", "foto.svg", "foto.php", "foto.jpg.html", "foto", ".htaccess", "foto.jpg;.html",
    "foto.jpg%00.html", "../../foto.html", "foto.shtml", "foto.xhtml", "foto.svgz",
    "\u202egpj.html",
]  # fmt: skip
# Image-looking names over another format's pixels: stored under the real format's extension.
MISLEADING_NAMES = [
    "foto.html.jpg", "foto.JPG", "foto.svg.png", "foto.pdf", "foto.psd", "foto.bmp", "foto.tiff",
    "foto.php.gif", "../../foto.webp",
]  # fmt: skip


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_files_named_as_anything_but_an_image_are_refused(editor_client, name):
    upload = make_upload(name, fmt="PNG", size=(60, 40), content_type="image/png")

    response = post_cover(editor_client, upload)

    assert response.status_code == 200
    assert "is not allowed" in " ".join(field_errors(response, "cover"))
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(name, ["JPEG", "PNG", "GIF", "WEBP"][n % 4]) for n, name in enumerate(MISLEADING_NAMES)],
)
def test_accepted_images_are_stored_under_their_real_format_whatever_their_name(
    editor_client, name, fmt
):
    upload = make_upload(name, fmt=fmt, size=(600, 400), content_type="text/html")

    response = post_cover(editor_client, upload)

    assert response.status_code == 302, field_errors(response, "cover")
    stored = Article.objects.get().cover.name
    assert PurePosixPath(stored).suffix == f".{images.ALLOWED_FORMATS[fmt]}"
    assert ".." not in stored
    for path in [stored, images.rendition_name(stored, 480)]:
        assert PurePosixPath(path).suffix in STORED_EXTENSIONS
        assert default_storage.exists(path)
        assert mimetypes.guess_type(path)[0].startswith("image/")


def test_a_polyglot_image_is_re_encoded_without_its_payload(editor_client):
    """A real GIF with HTML after its trailer (and in a comment block): the stored file is made
    from the pixels only."""
    gif = make_image_bytes("GIF", size=(40, 40))
    payload = b"<html><script>alert(1)</script></html>"
    polyglot = gif[:-1] + b"\x21\xfe" + bytes([len(payload)]) + payload + b"\x00\x3b" + payload

    response = post_cover(editor_client, make_upload("polyglotta.jpg", content=polyglot))

    assert response.status_code == 302, field_errors(response, "cover")
    stored = Article.objects.get().cover
    assert stored.name.endswith(".gif")
    with default_storage.open(stored.name, "rb") as handle:
        data = handle.read()
    assert b"<script" not in data
    Image.open(io.BytesIO(data)).verify()


def test_every_stored_extension_is_served_as_an_image_and_never_sniffed(editor_client, settings):
    """What django.views.static.serve (DEBUG's /media/) answers for each stored file."""
    for fmt in images.ALLOWED_FORMATS:
        post_cover(editor_client, make_upload("x.psd", fmt=fmt, size=(600, 400)), slug=f"f-{fmt}")
    stored = [article.cover.name for article in Article.objects.all()]
    stored += [images.rendition_name(name, 480) for name in stored]
    request = RequestFactory().get("/media/")
    for name in stored:
        response = serve(request, name, document_root=settings.MEDIA_ROOT)
        assert response["Content-Type"].startswith("image/"), (name, response["Content-Type"])
        response.close()


def test_media_responses_through_the_site_carry_nosniff_and_the_policy(
    editor_client, settings, client
):
    """In DEBUG the site serves /media/ itself: through the middleware, with every header."""
    from django.conf.urls.static import static
    from django.urls import clear_url_caches

    post_cover(editor_client, make_upload("x.jpg", fmt="PNG", size=(100, 80)))
    name = Article.objects.get().cover.name
    settings.DEBUG = True
    urls = type("urls", (), {"urlpatterns": static("/media/", document_root=settings.MEDIA_ROOT)})
    settings.ROOT_URLCONF = urls
    clear_url_caches()
    try:
        response = client.get(f"/media/{name}")
    finally:
        clear_url_caches()
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    response.close()
