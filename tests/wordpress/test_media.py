"""Featured images from --media-dir: imported like an upload, or skipped with a note."""

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import media_files
from tests.factories import make_image_bytes
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress.models import WordPressObject

pytestmark = pytest.mark.django_db

MAGAZINE = FIXTURES / "magazine.xml"


def article(wp_id: int):
    return WordPressObject.objects.get(kind="post", wp_id=str(wp_id)).article


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera di prova"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 28.0, 0.0)}  # GPS: Milan
    return exif.tobytes()


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of wp-content/uploads holding the beach photo, with its camera's GPS position."""
    folder = tmp_path / "wp-content" / "uploads"
    (folder / "2024" / "05").mkdir(parents=True)
    (folder / "2024" / "05" / "spiaggia.jpg").write_bytes(
        make_image_bytes(size=(800, 600), exif=exif_with_gps())
    )
    return folder


def test_featured_image_is_imported_as_the_cover_without_its_metadata(uploads, settings):
    summary = run_import(MAGAZINE, "--media-dir", str(uploads))

    cover = article(101)
    assert cover.cover.name.startswith("covers/")
    assert (cover.cover_width, cover.cover_height) == (800, 600)
    assert cover.cover_alt == "Ombrelloni e lettori sulla spiaggia"
    assert cover.cover_caption == "Lettori in spiaggia a Rimini"
    with cover.cover.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif()
    assert any(p.name.endswith(".w480.webp") for p in media_files(settings))
    assert "featured images: file not found under --media-dir: 1" in summary


def test_media_dir_may_be_wp_content_or_the_site_folder(uploads):
    run_import(MAGAZINE, "--media-dir", str(uploads.parent.parent))  # the site's folder

    assert article(101).cover


def test_missing_file_is_skipped_with_its_path(uploads):
    summary = run_import(MAGAZINE, "--media-dir", str(uploads))

    assert not article(106).cover
    assert "file not found under --media-dir: 1 (e.g. #106 “Perché Milano”: 2023/11/duomo.jpg)" in (
        summary
    )


def test_a_file_that_is_not_an_image_is_skipped_with_the_reason(uploads):
    (uploads / "2024" / "05" / "spiaggia.jpg").write_bytes(b"<?php echo 'non sono una foto';")

    summary = run_import(MAGAZINE, "--media-dir", str(uploads))

    assert not article(101).cover
    assert "featured images: not a usable image:" in summary


def test_a_path_leading_out_of_the_media_dir_is_never_read(tmp_path, uploads):
    outside = tmp_path / "fuori.jpg"
    outside.write_bytes(make_image_bytes())
    export = tmp_path / "export.xml"
    export.write_text(
        MAGAZINE.read_text(encoding="utf-8").replace(
            "<![CDATA[2024/05/spiaggia.jpg]]>", "<![CDATA[../../fuori.jpg]]>"
        ),
        encoding="utf-8",
    )

    summary = run_import(export, "--media-dir", str(uploads))

    assert not article(101).cover
    assert "../../fuori.jpg" in summary


def test_a_second_run_does_not_import_the_cover_again(uploads, settings):
    run_import(MAGAZINE, "--media-dir", str(uploads))
    files = media_files(settings)

    summary = run_import(MAGAZINE, "--media-dir", str(uploads))

    assert media_files(settings) == files
    assert "featured images: file not found" in summary  # only the one still missing


def test_without_media_dir_covers_are_noted_and_a_later_run_adds_them(uploads):
    summary = run_import(MAGAZINE)
    assert "featured images: no --media-dir given: 2" in summary
    assert not article(101).cover

    run_import(MAGAZINE, "--media-dir", str(uploads))

    assert article(101).cover


def test_an_old_export_naming_the_servers_absolute_path_finds_the_file(tmp_path, uploads):
    export = tmp_path / "export.xml"
    export.write_text(
        MAGAZINE.read_text(encoding="utf-8").replace(
            "<![CDATA[2024/05/spiaggia.jpg]]>",
            "<![CDATA[/var/www/rivista/wp-content/uploads/2024/05/spiaggia.jpg]]>",
        ),
        encoding="utf-8",
    )

    run_import(export, "--media-dir", str(uploads))

    assert article(101).cover
