"""Uploaded images: only real images within limits, stored without metadata, with renditions."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from blog.models import Article, Author
from media import pipeline as images
from tests.blog.helpers import change_url
from tests.factories import (
    article_admin_form_data,
    find_elements,
    make_article,
    make_author,
    make_image_bytes,
    make_upload,
    png_bomb,
)

pytestmark = pytest.mark.django_db

ADD_ARTICLE = reverse("admin:blog_article_add")
ADD_AUTHOR = reverse("admin:blog_author_add")
ENGLISH = {"accept-language": "en"}
EXIF_ORIENTATION, EXIF_MAKE, EXIF_GPS_IFD = 0x0112, 0x010F, 0x8825


@pytest.fixture(scope="module")
def bomb_bytes():
    return png_bomb(20_000, 20_000)  # 400 megapixels in well under a megabyte


def exif_with_gps_and_orientation(orientation=1) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[EXIF_MAKE] = "Canon"
    gps = exif.get_ifd(EXIF_GPS_IFD)
    gps.update({1: "N", 2: (45.0, 26.0, 15.0), 3: "E", 4: (9.0, 11.0, 30.0)})
    return exif


def stored(field_file) -> Image.Image:
    with default_storage.open(field_file.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def post_article(client, cover, **fields):
    data = article_admin_form_data(author=make_author(), cover=cover, **fields)
    return client.post(ADD_ARTICLE, data, headers=ENGLISH)


# Accepted uploads.


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("JPEG", "foto.jpg", "image/jpeg"),
        ("PNG", "grafico.png", "image/png"),
        ("WEBP", "foto.webp", "image/webp"),
        ("GIF", "animazione.gif", "image/gif"),
    ],
)
def test_real_images_are_accepted_through_the_admin(client, editor, fmt, name, content_type):
    upload = make_upload(name, fmt=fmt, size=(320, 240), content_type=content_type)

    response = post_article(client, upload, slug="con-immagine")

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="con-immagine")
    assert article.cover
    assert stored(article.cover).format == fmt
    assert (article.cover_width, article.cover_height) == (320, 240)


def test_image_with_the_wrong_extension_is_stored_under_the_right_one(client, editor):
    upload = make_upload("in-realta-png.jpg", fmt="PNG", size=(50, 50))
    response = post_article(client, upload, slug="estensione")
    assert response.status_code == 302
    article = Article.objects.get(slug="estensione")
    assert article.cover.name.endswith(".png")
    assert stored(article.cover).format == "PNG"


# Refused uploads: a clear error beside the field, nothing typed is lost, never a 500.


def assert_refused_beside_the_cover_field(response, *message_parts):
    """Refused with one of `message_parts` shown in the cover field's row."""
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "cover" in form.errors
    (message,) = form.errors["cover"]
    assert any(part in message for part in message_parts), message
    (row,) = find_elements(response.text, "div", class_="field-cover")
    assert find_elements(str(row), "ul", class_="errorlist")
    assert message in str(row).replace("&#x27;", "'")
    # What was typed is still there.
    (title,) = find_elements(response.text, "input", name="title")
    assert dict(title.attributes)["value"] == "Un titolo da non perdere"
    (slug,) = find_elements(response.text, "input", name="slug")
    assert dict(slug.attributes)["value"] == "titolo-da-non-perdere"
    assert "Un attacco da non perdere." in response.text
    assert "Didascalia scritta con cura" in response.text
    assert not Article.objects.filter(slug="titolo-da-non-perdere").exists()


def post_refused(client, upload):
    return post_article(
        client,
        upload,
        title="Un titolo da non perdere",
        slug="titolo-da-non-perdere",
        lead="Un attacco da non perdere.",
        cover_caption="Didascalia scritta con cura",
    )


NOT_AN_IMAGE = "Upload a valid image"  # Django's ImageField message
DAMAGED = "not an image, or it is damaged"  # blog.images message


def test_text_file_renamed_jpg_is_refused(client, editor):
    upload = make_upload("finto.jpg", content=b"Non sono un'immagine.\n" * 50)
    assert_refused_beside_the_cover_field(post_refused(client, upload), NOT_AN_IMAGE)


def test_svg_is_refused(client, editor):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    upload = make_upload("logo.svg", content=svg, content_type="image/svg+xml")
    assert_refused_beside_the_cover_field(post_refused(client, upload), NOT_AN_IMAGE)


def test_svg_renamed_png_is_refused(client, editor):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    upload = make_upload("logo.png", content=svg, content_type="image/png")
    assert_refused_beside_the_cover_field(post_refused(client, upload), NOT_AN_IMAGE)


def test_truncated_jpeg_is_refused(client, editor):
    whole = make_image_bytes("JPEG", size=(400, 300), noise=True)
    upload = make_upload("tagliata.jpg", content=whole[: len(whole) // 2])
    assert_refused_beside_the_cover_field(post_refused(client, upload), NOT_AN_IMAGE, DAMAGED)


def test_truncated_png_is_refused(client, editor):
    whole = make_image_bytes("PNG", size=(400, 300), noise=True)
    upload = make_upload("tagliata.png", content=whole[: len(whole) // 2], content_type="image/png")
    response = post_refused(client, upload)
    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors


def test_file_over_the_upload_limit_is_refused(client, editor, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1_048_576
    content = make_image_bytes("PNG", size=(700, 700), noise=True)
    assert len(content) > settings.IMAGE_MAX_UPLOAD_BYTES
    upload = make_upload("enorme.png", content=content, content_type="image/png")
    assert_refused_beside_the_cover_field(post_refused(client, upload), "The file is too large")


def test_image_over_the_pixel_limit_is_refused(client, editor, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    upload = make_upload("panorama.jpg", size=(1200, 1000))
    assert_refused_beside_the_cover_field(
        post_refused(client, upload), "The image is too large (1200 x 1000 pixels)"
    )


def test_decompression_bomb_is_refused(client, editor, bomb_bytes):
    assert len(bomb_bytes) < 1_048_576
    upload = make_upload("bomba.png", content=bomb_bytes, content_type="image/png")
    assert_refused_beside_the_cover_field(post_refused(client, upload), NOT_AN_IMAGE)


def test_bad_avatar_is_refused_on_the_author_form(client, editor):
    upload = make_upload("avatar.jpg", content=b"GIF89a... not really")
    response = client.post(
        ADD_AUTHOR,
        {"display_name": "Carla Verdi", "slug": "carla-verdi", "bio": "Bio", "avatar": upload},
        headers=ENGLISH,
    )
    assert response.status_code == 200
    assert "avatar" in response.context["adminform"].form.errors
    assert "Carla Verdi" in response.text
    assert not Author.objects.filter(slug="carla-verdi").exists()


# The validator itself, for every way an upload can be wrong.


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"plain text, not an image", "invalid_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "invalid_image"),
        (b"", "invalid_image"),
    ],
)
def test_validator_refuses_non_images(content, code):
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload("x.jpg", content=content))
    assert refused.value.code == code


def test_validator_refuses_a_truncated_image():
    whole = make_image_bytes("JPEG", size=(400, 300), noise=True)
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload("x.jpg", content=whole[:2000]))
    assert refused.value.code == "invalid_image"


def test_validator_refuses_formats_outside_the_allowlist():
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload("x.bmp", fmt="BMP", size=(20, 20)))
    assert refused.value.code == "invalid_format"


def test_validator_refuses_too_many_bytes(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload(size=(200, 200), noise=True))
    assert refused.value.code == "file_too_large"


def test_validator_refuses_too_many_pixels(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload(size=(101, 100)))
    assert refused.value.code == "too_many_pixels"
    images.validate_image_upload(make_upload(size=(100, 100)))  # exactly at the limit is fine


@pytest.mark.parametrize("side", [10_000, 20_000])  # Pillow's warning, then its error
def test_validator_refuses_decompression_bombs(settings, side):
    settings.IMAGE_MAX_PIXELS = 10**12  # so only Pillow's own bomb guard can catch it
    with pytest.raises(ValidationError) as refused:
        images.validate_image_upload(make_upload("b.png", content=png_bomb(side, side)))
    assert refused.value.code == "decompression_bomb"


def test_validator_accepts_the_four_formats():
    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):
        images.validate_image_upload(make_upload(f"x.{fmt.lower()}", fmt=fmt, size=(30, 20)))


def test_saving_an_invalid_upload_through_the_orm_is_refused():
    with pytest.raises(ValidationError):
        make_article(cover=make_upload("x.jpg", content=b"nope"))


# Metadata stripped, orientation applied.


def test_exif_and_gps_are_stripped_from_an_admin_upload(client, editor):
    content = make_image_bytes("JPEG", size=(320, 240), exif=exif_with_gps_and_orientation())
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(EXIF_GPS_IFD)  # the test is real

    response = post_article(client, make_upload("gps.jpg", content=content), slug="senza-gps")

    assert response.status_code == 302
    image = stored(Article.objects.get(slug="senza-gps").cover)
    assert "exif" not in image.info
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(EXIF_GPS_IFD)


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "x.png"), ("WEBP", "x.webp")])
def test_exif_is_stripped_from_png_and_webp(fmt, name):
    content = make_image_bytes(fmt, size=(64, 48), exif=exif_with_gps_and_orientation())
    assert Image.open(io.BytesIO(content)).getexif()

    article = make_article(cover=make_upload(name, content=content))

    image = stored(article.cover)
    assert len(image.getexif()) == 0
    assert "exif" not in image.info


def test_avatar_is_stripped_of_exif_too():
    content = make_image_bytes("JPEG", size=(200, 200), exif=exif_with_gps_and_orientation())
    author = make_author(avatar=make_upload("me.jpg", content=content))
    assert len(stored(author.avatar).getexif()) == 0


def test_orientation_is_applied_and_dimensions_match_the_stored_file():
    # Landscape pixels, left half red, right half blue, tagged "rotate 90 degrees clockwise".
    source = Image.new("RGB", (300, 200), (0, 0, 255))
    source.paste((255, 0, 0), (0, 0, 150, 200))
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", quality=95, exif=exif_with_gps_and_orientation(orientation=6))

    article = make_article(cover=make_upload("ruotata.jpg", content=buffer.getvalue()))

    image = stored(article.cover)
    assert image.size == (200, 300)  # portrait, as the camera meant it
    assert (article.cover_width, article.cover_height) == image.size
    article.refresh_from_db()
    assert (article.cover_width, article.cover_height) == (200, 300)
    top, bottom = image.getpixel((100, 40)), image.getpixel((100, 260))
    assert top[0] > 200 and top[2] < 60  # the red half is now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert EXIF_ORIENTATION not in image.getexif()


def test_orientation_is_applied_through_the_admin(client, editor):
    content = make_image_bytes("JPEG", size=(300, 200), exif=exif_with_gps_and_orientation(8))
    response = post_article(client, make_upload("r.jpg", content=content), slug="ruotata")
    assert response.status_code == 302
    article = Article.objects.get(slug="ruotata")
    assert stored(article.cover).size == (200, 300)
    assert (article.cover_width, article.cover_height) == (200, 300)


# Renditions.


def test_webp_renditions_exist_for_widths_smaller_than_the_original():
    article = make_article(cover=make_upload("grande.jpg", size=(1600, 900)))
    for width in (480, 960, 1440):
        name = images.rendition_name(article.cover.name, width)
        assert default_storage.exists(name), name
        with default_storage.open(name, "rb") as handle:
            rendition = Image.open(handle)
            assert rendition.format == "WEBP"
            assert rendition.size == (width, round(900 * width / 1600))


def test_no_rendition_is_an_upscale():
    article = make_article(cover=make_upload("media.jpg", size=(1000, 500)))
    existing = [
        width
        for width in (480, 960, 1440)
        if default_storage.exists(images.rendition_name(article.cover.name, width))
    ]
    assert existing == [480, 960]


def test_small_image_has_no_renditions():
    article = make_article(cover=make_upload("piccola.png", fmt="PNG", size=(300, 200)))
    assert images.rendition_widths(article.cover.width) == []
    for width in (480, 960, 1440):
        assert not default_storage.exists(images.rendition_name(article.cover.name, width))


def test_avatar_gets_renditions():
    author = make_author(avatar=make_upload("me.jpg", size=(1000, 1000)))
    assert default_storage.exists(images.rendition_name(author.avatar.name, 480))


def test_article_page_img_has_srcset_sizes_width_and_height(client):
    article = make_article(cover=make_upload("grande.jpg", size=(1600, 900)), cover_alt="Alt")

    html = client.get(article.get_absolute_url()).text

    (img,) = find_elements(html, "img", alt="Alt")
    attrs = dict(img.attributes)
    candidates = [c.strip().rsplit(" ", 1) for c in attrs["srcset"].split(",")]
    expected = [
        [default_storage.url(images.rendition_name(article.cover.name, w)), f"{w}w"]
        for w in (480, 960, 1440)
    ]
    assert candidates == [*expected, [article.cover.url, "1600w"]]
    assert attrs["sizes"]
    assert (attrs["width"], attrs["height"]) == ("1600", "900")


def test_srcset_of_a_small_image_lists_only_the_original(client):
    article = make_article(cover=make_upload("piccola.jpg", size=(400, 300)), cover_alt="Alt")
    html = client.get(article.get_absolute_url()).text
    (img,) = find_elements(html, "img", alt="Alt")
    assert dict(img.attributes)["srcset"] == f"{article.cover.url} 400w"


# Editing: a stored image is not re-validated, a new one is; pages never open the files.


def test_editor_can_edit_an_article_that_has_a_cover(client, editor):
    article = make_article(cover=make_upload("c.jpg", size=(1000, 600)), title="Prima")
    stored_name = article.cover.name
    data = article_admin_form_data(
        author=article.author, title="Dopo", slug=article.slug, status="published"
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Dopo"
    assert article.cover.name == stored_name
    assert (article.cover_width, article.cover_height) == (1000, 600)


def test_tightened_limits_do_not_block_editing_an_old_article(client, editor, settings):
    article = make_article(cover=make_upload("c.jpg", size=(1000, 600)), title="Prima")
    settings.IMAGE_MAX_PIXELS = 100
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    data = article_admin_form_data(
        author=article.author, title="Dopo", slug=article.slug, status="published"
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Dopo"


def test_editor_can_edit_an_author_that_has_an_avatar(client, editor):
    author = make_author(avatar=make_upload("a.jpg", size=(300, 300)), bio="Prima")
    response = client.post(
        reverse("admin:blog_author_change", args=[author.pk]),
        {"display_name": author.display_name, "slug": author.slug, "bio": "Dopo"},
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.bio == "Dopo"
    assert author.avatar


def test_replacing_the_cover_on_edit_is_validated_and_cleaned(client, editor):
    article = make_article(cover=make_upload("c.jpg", size=(1000, 600)))
    data = article_admin_form_data(author=article.author, slug=article.slug, status="published")

    refused = client.post(change_url(article), {**data, "cover": make_upload(content=b"no")})
    gps = make_image_bytes("JPEG", size=(640, 480), exif=exif_with_gps_and_orientation())
    accepted = client.post(change_url(article), {**data, "cover": make_upload("n.jpg", gps)})

    assert refused.status_code == 200
    assert "cover" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    article.refresh_from_db()
    assert (article.cover_width, article.cover_height) == (640, 480)
    assert len(stored(article.cover).getexif()) == 0


def test_pages_render_from_stored_dimensions_even_if_the_file_is_gone(client):
    author = make_author(avatar=make_upload("a.jpg", size=(400, 400)))
    article = make_article(
        author=author, cover=make_upload("c.jpg", size=(1000, 600)), cover_alt="Alt"
    )
    default_storage.delete(article.cover.name)
    default_storage.delete(author.avatar.name)

    for url in ("/", article.get_absolute_url(), author.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url

    (img,) = find_elements(client.get(article.get_absolute_url()).text, "img", alt="Alt")
    assert (dict(img.attributes)["width"], dict(img.attributes)["height"]) == ("1000", "600")
