"""Every upload of the export comes in, whatever host serves it: fixtures/wordpress-com.xml.

A WordPress.com export names its files on <site>.files.wordpress.com and its posts show them
through Jetpack's CDN (i0.wp.com/<host>/...?resize=...); a copy of the uploads holds them at
YYYY/MM/name, with or without wp-content/uploads/ in front.
"""

from pathlib import Path

import pytest

from media.models import Image
from tests.conftest import media_files
from tests.factories import find_elements, make_image_bytes
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress.media import UploadAddresses
from wordpress.models import ImportedFile, WordPressObject

pytestmark = pytest.mark.django_db

HOSTED = FIXTURES / "wordpress-com.xml"
FILES = {
    "2021/03/faro.jpg": (1600, 1067),
    "2021/03/scogliera.jpg": (1200, 800),
    "2021/04/porto.jpg": (900, 600),
    "2021/05/tramonto.jpg": (1000, 700),
}


def uploads_copy(root: Path, prefix: str) -> Path:
    for relative, size in FILES.items():
        path = root / prefix / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make_image_bytes(size=size))
    return root


def article(wp_id: int):
    return WordPressObject.objects.get(kind="post", wp_id=str(wp_id)).article


def library(path: str) -> Image:
    return ImportedFile.objects.get(path=path).image


@pytest.mark.parametrize("prefix", ["", "wp-content/uploads"])
def test_uploads_on_the_files_host_and_the_cdn_come_from_the_media_dir(tmp_path, prefix):
    media_dir = uploads_copy(tmp_path / "esportazione", prefix)

    summary = run_import(HOSTED, "--media-dir", str(media_dir))

    lighthouse, cliff, harbour = (
        library("2021/03/faro.jpg"),
        library("2021/03/scogliera.jpg"),
        library("2021/04/porto.jpg"),
    )
    assert Image.objects.count() == 3, summary
    assert (lighthouse.width, lighthouse.height) == (1600, 1067)
    assert lighthouse.alt_text == "Il faro bianco e rosso"  # its attachment's, via wp-image-501
    body = article(301).body
    for image in (lighthouse, cliff, harbour):
        assert find_elements(body, "img", **{"data-media-id": str(image.pk)}), image
    assert find_elements(body, "a", href=lighthouse.file.url)  # the link to the file follows
    assert "srcset" not in body and "i0.wp.com" not in body
    # The same file through the CDN at another size, in another post: the same library image.
    assert find_elements(article(302).body, "img", **{"data-media-id": str(lighthouse.pk)})
    # Featured images: one named by _wp_attached_file, one only by its address.
    assert article(301).cover and article(302).cover
    assert article(302).cover_caption == "Il molo al tramonto"
    assert (
        "Uploads of the export: 4 found under --media-dir, 4 imported (each once), 1 missing."
        in (summary)
    )
    assert "image on another site: made a link: 2" in summary


def test_images_of_other_sites_follow_the_remote_rule_even_with_an_uploads_path(tmp_path):
    media_dir = uploads_copy(tmp_path / "esportazione", "")
    # A file with the other site's path is under --media-dir too: it must not be taken.
    (media_dir / "2020/01").mkdir(parents=True)
    (media_dir / "2020/01/nuvole.jpg").write_bytes(make_image_bytes())

    summary = run_import(HOSTED, "--media-dir", str(media_dir))

    body = article(301).body
    assert not find_elements(body, "img", alt="Nuvole")
    assert find_elements(
        body,
        "a",
        href="https://i1.wp.com/altrodiario.example/wp-content/uploads/2020/01/nuvole.jpg?w=600&ssl=1",
    )
    assert find_elements(
        body, "a", href="https://altrodiario.example/wp-content/uploads/2020/01/pioggia.jpg"
    )
    assert not ImportedFile.objects.filter(path__startswith="2020/").exists()
    assert "nuvole" not in summary and "pioggia" not in summary


def test_a_missing_upload_is_named_and_left_as_it_was(tmp_path):
    summary = run_import(HOSTED, "--media-dir", str(uploads_copy(tmp_path / "copia", "")))

    assert "images: not found under --media-dir: left as it was: 1 (e.g. 2021/04/perduta.jpg)" in (
        summary
    )
    assert find_elements(
        article(301).body,
        "img",
        src="https://taccuinodibordo.files.wordpress.com/2021/04/perduta.jpg?w=640",
    )


def test_a_second_run_imports_nothing_again(tmp_path, settings):
    media_dir = uploads_copy(tmp_path / "esportazione", "")
    run_import(HOSTED, "--media-dir", str(media_dir))
    files, bodies = media_files(settings), {pk: article(pk).body for pk in (301, 302)}

    summary = run_import(HOSTED, "--media-dir", str(media_dir))

    assert Image.objects.count() == 3
    assert media_files(settings) == files
    assert {pk: article(pk).body for pk in (301, 302)} == bodies
    assert "imported (each once)" not in summary


def test_which_addresses_are_the_exports_own_uploads():
    addresses = UploadAddresses()
    addresses.add_site("http://wordpress.com/")
    addresses.add_site("https://www.rivista.example/blog")
    addresses.add_site("https://taccuino.wordpress.com")
    addresses.add_attachment("https://cdn.rivista.example/media/2019/05/a.jpg", "2019/05/a.jpg")

    site = "rivista.example/blog/wp-content/uploads"
    own = {
        f"https://{site}/2019/05/a-300x200.jpg": "2019/05/a-300x200.jpg",
        "/blog/wp-content/uploads/2019/05/a.jpg": "2019/05/a.jpg",
        "//www.rivista.example/blog/wp-content/uploads/2019/05/a.jpg?x=1": "2019/05/a.jpg",
        "https://taccuino.files.wordpress.com/2019/05/b.jpg?w=300": "2019/05/b.jpg",
        "https://i3.wp.com/taccuino.files.wordpress.com/2019/05/b.jpg?resize=1,1": "2019/05/b.jpg",
        f"https://i0.wp.com/www.{site}/2019/05/c.png": "2019/05/c.png",
        "https://cdn.rivista.example/media/2019/05/a.jpg": "2019/05/a.jpg",
    }  # fmt: skip
    for url, relative in own.items():
        assert addresses.relative(url) == relative, url
    for other in (
        "https://altro.example/wp-content/uploads/2019/05/a.jpg",
        "https://i0.wp.com/altro.example/wp-content/uploads/2019/05/a.jpg",
        "https://altro.files.wordpress.com/2019/05/a.jpg",
        "https://rivista.example/blog/2019/05/articolo/",
    ):
        assert addresses.relative(other) == "", other
