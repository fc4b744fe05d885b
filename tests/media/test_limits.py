"""Limits and bad input on library uploads: a clear message each, nothing half-saved, no 500."""

import errno
import io
import time
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from PIL import Image as PILImage

from media import conf
from media.models import Image
from media.pipeline import gif_frame_count
from tests.factories import make_image_bytes, make_upload, png_bomb
from tests.media.conftest import UPLOAD, csrf_client, many_frames_gif

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}


def upload(client, *files):
    return client.post(UPLOAD, {"files": list(files)}, headers=ENGLISH)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.slow
def test_a_40_megapixel_photo_is_accepted_with_renditions(client, editor):
    response = upload(client, make_upload("grande.jpg", size=(7720, 5180)))  # 39.99 MP

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (7720, 5180)
    assert image.renditions == [480, 960, 1440]


def test_more_than_the_pixel_limit_is_refused_with_the_limit_named(client, editor, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    refused(
        upload(client, make_upload("troppo.jpg", size=(1001, 1000))),
        "The image is too large (1001 x 1000 pixels); at most 1 megapixels.",
    )
    assert not Image.objects.exists() and not stored_files(settings)


def test_a_decompression_bomb_is_refused(client, editor, settings):
    refused(upload(client, make_upload("bomba.png", content=png_bomb(20_000, 20_000))), "too large")
    assert not Image.objects.exists() and not stored_files(settings)


def test_a_cmyk_jpeg_is_stored_as_rgb(client, editor):
    assert (
        upload(client, make_upload("stampa.jpg", mode="CMYK", size=(800, 600))).status_code == 302
    )
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        assert PILImage.open(handle).mode == "RGB"


def animated_gif() -> bytes:
    colors = ((200, 30, 30), (30, 200, 30), (30, 30, 200))
    frames = [PILImage.new("RGB", (600, 400), color) for color in colors]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    return buffer.getvalue()


def test_an_animated_gif_keeps_its_animation_and_is_served_without_renditions(client, editor):
    assert upload(client, make_upload("anima.gif", content=animated_gif())).status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        assert PILImage.open(handle).n_frames == 3
    assert image.renditions == []
    assert image.thumbnail_url() == image.file.url


def test_an_animated_gif_whose_frames_add_up_past_the_limit_is_refused(client, editor, settings):
    settings.IMAGE_MAX_PIXELS = 600 * 400 * 2
    refused(upload(client, make_upload("lunga.gif", content=animated_gif())), "too large")


def test_a_png_with_alpha_keeps_its_transparency(client, editor):
    content = make_image_bytes("PNG", mode="RGBA", size=(800, 600))
    assert upload(client, make_upload("trasparente.png", content=content)).status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        assert PILImage.open(handle).mode == "RGBA"
    with image.file.storage.open(image.file.name.replace(".png", ".w480.webp")) as handle:
        assert PILImage.open(handle).mode == "RGBA"


def test_html_named_jpg_is_refused(client, editor, settings):
    page = make_upload("foto.jpg", content=b"<!DOCTYPE html><script>alert(1)</script>")
    refused(upload(client, page), "foto.jpg: The file is not an image, or it is damaged.")
    assert not Image.objects.exists() and not stored_files(settings)


def test_a_file_over_the_size_limit_is_refused(client, editor, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10_000
    refused(upload(client, make_upload("pesante.jpg", noise=True, size=(300, 300))), "the limit is")
    assert not Image.objects.exists()


@pytest.mark.parametrize("fail_on", [1, 2])
def test_a_full_disk_leaves_no_row_and_no_file(client, editor, settings, fail_on):
    """The disk fills up at the original (1) or at a rendition (2)."""
    real_save = FileSystemStorage._save
    calls = []

    def save(self, name, content):
        calls.append(name)
        if len(calls) == fail_on:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", save):
        response = upload(client, make_upload("piena.jpg", size=(1000, 700)))

    refused(response, "The server has no space left to store this image; nothing was saved.")
    assert not Image.objects.exists()
    assert not stored_files(settings)


def test_json_uploads_get_the_same_messages(client, editor):
    response = client.post(
        UPLOAD,
        {"files": [make_upload("x.jpg", content=b"GIF89a not really")]},
        headers={**ENGLISH, "accept": "application/json"},
    )
    assert response.status_code == 400
    (result,) = response.json()["results"]
    assert result == {
        "ok": False,
        "name": "x.jpg",
        "errors": ["The file is not an image, or it is damaged."],
    }


def test_a_cover_upload_with_the_disk_almost_full_keeps_the_form(client, editor, settings):
    """Checked before anything is written: the article form comes back with what was typed."""
    from django.urls import reverse

    from tests.factories import article_admin_form_data, make_author

    full = mock.Mock(free=conf.get("IMAGE_MIN_FREE_BYTES") // 2)
    data = article_admin_form_data(author=make_author(), title="Titolo scritto a mano")
    data["cover"] = make_upload("copertina.jpg", size=(800, 600))
    with mock.patch("media.pipeline.shutil.disk_usage", return_value=full):
        response = client.post(reverse("admin:blog_article_add"), data, headers=ENGLISH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The server has no space left to store this image; nothing was saved." in html
    assert 'value="Titolo scritto a mano"' in html
    assert not stored_files(settings)


def test_a_library_upload_with_the_disk_almost_full_is_refused_before_writing(
    client, editor, settings
):
    full = mock.Mock(free=conf.get("IMAGE_MIN_FREE_BYTES") // 2)
    with mock.patch("media.pipeline.shutil.disk_usage", return_value=full):
        response = upload(client, make_upload("foto.jpg"))
    refused(response, "The server has no space left to store this image; nothing was saved.")
    assert not Image.objects.exists() and not stored_files(settings)


# Animations: every frame is decoded and re-encoded while the request waits, so their number is
# capped (media.conf IMAGE_MAX_FRAMES) and counted before any is decoded.


@pytest.fixture
def decoded_frames():
    """How many GIF frames Pillow decodes (load_end runs once per decoded frame)."""
    from PIL import GifImagePlugin

    real = GifImagePlugin.GifImageFile.load_end
    calls = []

    def load_end(image):
        calls.append(image.tell())
        return real(image)

    with mock.patch.object(GifImagePlugin.GifImageFile, "load_end", load_end):
        yield calls


def test_a_gif_of_30000_tiny_frames_is_refused_at_once_with_the_frame_limit(
    editor_user, settings, decoded_frames
):
    client, token = csrf_client(editor_user)
    content = many_frames_gif(30_000)
    started = time.perf_counter()
    response = client.post(
        UPLOAD,
        {"files": [make_upload("lunghissima.gif", content=content)], "csrfmiddlewaretoken": token},
        headers=ENGLISH,
    )
    elapsed = time.perf_counter() - started

    refused(
        response,
        "lunghissima.gif: This animation has more than 500 frames, the most an image may have. "
        "Shorten it and upload it again.",
    )
    assert decoded_frames == []  # counted from the file's structure, none decoded
    assert elapsed < 3  # was 8 s; about 0.05 s here
    assert not Image.objects.exists() and not stored_files(settings)


def test_the_frame_limit_is_a_setting_and_an_animation_at_it_is_accepted(
    editor_user, settings, decoded_frames
):
    settings.IMAGE_MAX_FRAMES = 20
    client, token = csrf_client(editor_user)

    def post(name, count):
        files = [make_upload(name, content=many_frames_gif(count))]
        return client.post(UPLOAD, {"files": files, "csrfmiddlewaretoken": token}, headers=ENGLISH)

    refused(post("ventuno.gif", 21), "more than 20 frames")
    assert decoded_frames == []
    assert post("venti.gif", 20).status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as handle:
        assert PILImage.open(handle).n_frames == 20
    assert len(decoded_frames) <= 2 * 20  # validated, then re-encoded: never past the limit


def test_an_ordinary_animated_gif_is_accepted_through_a_real_form_post(editor_user):
    client, token = csrf_client(editor_user)
    files = [make_upload("anima.gif", content=animated_gif())]
    response = client.post(UPLOAD, {"files": files, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    with Image.objects.get().file.open("rb") as handle:
        assert PILImage.open(handle).n_frames == 3


def comment_and_xmp(gif: bytes) -> bytes:
    """The same GIF with a comment and an application block (XMP) before its first frame."""
    extras = b"!\xfe\x05hello\x00" + b"!\xff\x0bXMP DataXMP\x04<x/>\x00"
    first = gif.index(b"!\xf9")
    return gif[:first] + extras + gif[first:]


@pytest.mark.parametrize(
    "content",
    [animated_gif(), comment_and_xmp(animated_gif()), make_image_bytes("GIF"), many_frames_gif(7)],
    ids=["pillow", "extensions", "still", "hand-made"],
)
def test_frames_are_counted_as_pillow_reads_them(content):
    assert gif_frame_count(content, limit=500) == PILImage.open(io.BytesIO(content)).n_frames


def test_counting_stops_one_past_the_limit():
    assert gif_frame_count(many_frames_gif(1000), limit=10) == 11
