"""Images, galleries and embeds inside posts: imported into the media library with --media-dir.

The export is written here, with inline images, size variants, [caption], [gallery], block
galleries, [embed], embed blocks and bare provider addresses; its media folder is made with
Pillow. The attachments come after the posts, as in a real export.
"""

from pathlib import Path

import pytest
from django.test.html import parse_html

from blog.models import Article
from media.models import Image
from tests.factories import find_elements, make_image_bytes
from tests.wordpress.conftest import run_import
from wordpress.models import ImportedFile, WordPressObject

pytestmark = pytest.mark.django_db

OLD = "https://vecchio.example/wp-content/uploads"

CLASSIC = f"""Intro.

[caption id="attachment_20" align="alignright" width="300"]<a href="{OLD}/2023/04/lago.jpg"><img class="size-medium wp-image-20" src="{OLD}/2023/04/lago-300x200.jpg" alt="" srcset="{OLD}/2023/04/lago-300x200.jpg 300w, {OLD}/2023/04/lago.jpg 1200w" width="300" height="200" /></a> Il lago[/caption]

Piccola: <img src="/wp-content/uploads/2023/04/lago-150x150.jpg" alt="miniatura" width="150" height="150">

[gallery ids="21,22,23" columns="3"]

https://www.youtube.com/watch?v=dQw4w9WgXcQ

[embed]https://vimeo.com/76979871[/embed]

<img src="https://cdn.altrove.example/foto.jpg" alt="remota">

<img src="{OLD}/2023/04/manca.jpg" alt="manca">"""  # noqa: E501

BLOCKS = f"""<!-- wp:paragraph -->
<p>Blocchi.</p>
<!-- /wp:paragraph -->

<!-- wp:gallery {{"linkTo":"none"}} -->
<figure class="wp-block-gallery has-nested-images columns-default"><!-- wp:image {{"id":21}} -->
<figure class="wp-block-image"><img src="{OLD}/2023/04/colline-1024x683.jpg" alt="Colline" class="wp-image-21"/></figure>
<!-- /wp:image -->

<!-- wp:image {{"id":22}} -->
<figure class="wp-block-image"><img src="{OLD}/2023/05/mare.png" alt="" class="wp-image-22"/></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">In viaggio</figcaption></figure>
<!-- /wp:gallery -->

<!-- wp:embed {{"url":"https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk","type":"rich","providerNameSlug":"spotify"}} -->
<figure class="wp-block-embed is-type-rich is-provider-spotify"><div class="wp-block-embed__wrapper">
https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk
</div><figcaption>Il podcast</figcaption></figure>
<!-- /wp:embed -->"""  # noqa: E501


def post(post_id: int, slug: str, content: str) -> str:
    return f"""<item><title>{slug}</title><link>https://vecchio.example/{slug}/</link>
<dc:creator><![CDATA[giulia]]></dc:creator><guid isPermaLink="false">https://vecchio.example/?p={post_id}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2023-04-10 08:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>
<wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status></item>"""


def attachment(post_id: int, path: str, alt: str, caption: str = "", parent: int = 10) -> str:
    return f"""<item><title>{path}</title><guid isPermaLink="false">{OLD}/{path}</guid>
<content:encoded><![CDATA[]]></content:encoded><excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:status>inherit</wp:status><wp:post_parent>{parent}</wp:post_parent>
<wp:post_type>attachment</wp:post_type><wp:attachment_url>{OLD}/{path}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[{path}]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta></item>"""


def write_export(folder: Path, *, classic: str = CLASSIC) -> Path:
    items = [
        post(10, "classico", classic),
        post(11, "blocchi", BLOCKS),
        attachment(20, "2023/04/lago.jpg", "Il lago all'alba", "Como"),
        attachment(21, "2023/04/colline.jpg", "Colline toscane"),
        attachment(22, "2023/05/mare.png", "Il mare", "Onde"),
        attachment(23, "2023/05/assente.jpg", "Assente"),
    ]
    path = folder / "export.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Vecchio</title>
<link>https://vecchio.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://vecchio.example</wp:base_site_url>
<wp:base_blog_url>https://vecchio.example</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[giulia]]></wp:author_login><wp:author_display_name><![CDATA[Giulia]]></wp:author_display_name></wp:author>
{"".join(items)}</channel></rss>""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def site(tmp_path) -> tuple[Path, Path]:
    """The export and a copy of wp-content/uploads: originals, size variants, one missing."""
    uploads = tmp_path / "wp-content" / "uploads"
    (uploads / "2023" / "04").mkdir(parents=True)
    (uploads / "2023" / "05").mkdir(parents=True)
    (uploads / "2023/04/lago.jpg").write_bytes(make_image_bytes(size=(1200, 800)))
    (uploads / "2023/04/lago-300x200.jpg").write_bytes(make_image_bytes(size=(300, 200)))
    (uploads / "2023/04/lago-150x150.jpg").write_bytes(make_image_bytes(size=(150, 150)))
    # Only a size variant of this one survived.
    (uploads / "2023/04/colline-1024x683.jpg").write_bytes(
        make_image_bytes(size=(1024, 683), color=(40, 160, 60))
    )
    (uploads / "2023/05/mare.png").write_bytes(
        make_image_bytes("PNG", mode="RGBA", size=(640, 480))
    )
    return write_export(tmp_path), uploads


def body(wp_id: int) -> str:
    return WordPressObject.objects.get(kind="post", wp_id=str(wp_id)).article.body


def library(path: str) -> Image:
    return ImportedFile.objects.get(path=path).image


def test_inline_images_and_their_size_variants_become_one_library_image(site):
    export, uploads = site
    summary = run_import(export, "--media-dir", str(uploads))

    assert Image.objects.count() == 3, summary  # lago, colline (from its variant), mare
    lake = library("2023/04/lago.jpg")
    assert (lake.width, lake.height) == (1200, 800)
    assert lake.alt_text == "Il lago all'alba"  # the attachment's, via wp-image-20
    html = body(10)
    imgs = find_elements(html, "img", **{"data-media-id": str(lake.pk)})
    assert len(imgs) == 2  # the captioned one and the 150x150 thumbnail
    assert {dict(i.attributes)["src"] for i in imgs} == {lake.file.url}
    assert "srcset" not in html and "lago-300x200" not in html
    assert find_elements(html, "a", href=lake.file.url)  # the link to the file
    (captioned,) = [f for f in find_elements(html, "figure") if "Il lago" in str(f)]
    assert find_elements(str(captioned), "img", **{"data-media-id": str(lake.pk)})
    assert dict(captioned.attributes)["data-align"] == "right"  # [caption align="alignright"]
    assert "miniatura" in html
    assert "images" in summary


def test_galleries_from_shortcodes_and_blocks(site):
    export, uploads = site
    summary = run_import(export, "--media-dir", str(uploads))

    hills, sea = library("2023/04/colline.jpg"), library("2023/05/mare.png")
    assert hills.alt_text == "Colline toscane" and sea.caption == "Onde"  # the attachments
    classic = find_elements(body(10), "figure", **{"data-gallery": f"{hills.pk},{sea.pk}"})
    assert len(classic) == 1  # #23 has no file: left out, and said
    assert "[gallery" not in body(10)
    (blocks,) = find_elements(body(11), "figure", **{"data-gallery": f"{hills.pk},{sea.pk}"})
    assert "In viaggio" in str(blocks)
    assert "wp-block-gallery" not in body(11)
    assert "not found under --media-dir: left as it was: 2" in summary
    assert "2023/05/assente.jpg" in summary and "2023/04/manca.jpg" in summary


def test_embeds_from_shortcodes_blocks_and_bare_addresses(site):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads))

    classic = body(10)
    assert find_elements(classic, "figure", **{"data-embed": "youtube"})
    assert find_elements(classic, "a", href="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert find_elements(classic, "figure", **{"data-embed": "vimeo"})
    assert "[embed]" not in classic
    (spotify,) = find_elements(body(11), "figure", **{"data-embed": "spotify"})
    assert parse_html(str(spotify)) == parse_html(
        '<figure data-embed="spotify"><a href="https://open.spotify.com/episode/'
        '4rOoJ6Egrf8K2IrywzwOMk">Il podcast</a></figure>'
    )


def test_missing_images_stay_as_they_were_and_remote_ones_become_links(site):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads))

    html = body(10)
    assert find_elements(html, "img", src=f"{OLD}/2023/04/manca.jpg")
    assert not find_elements(html, "img", src="https://cdn.altrove.example/foto.jpg")
    assert find_elements(html, "a", href="https://cdn.altrove.example/foto.jpg")


def test_remote_images_are_kept_when_asked(site):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads), "--keep-remote-images")

    assert find_elements(body(10), "img", src="https://cdn.altrove.example/foto.jpg")


def test_a_second_import_adds_nothing_and_an_edited_post_reuses_the_library(site, tmp_path):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads))
    first = {pk: body(pk) for pk in (10, 11)}
    files = sorted(p for p in Path(tmp_path / "media").rglob("*") if p.is_file())

    summary = run_import(export, "--media-dir", str(uploads))
    assert Image.objects.count() == 3
    assert {pk: body(pk) for pk in (10, 11)} == first
    assert sorted(p for p in Path(tmp_path / "media").rglob("*") if p.is_file()) == files
    assert "articles" in summary

    run_import(
        write_export(tmp_path, classic=CLASSIC + "\n\nAggiunto."), "--media-dir", str(uploads)
    )
    assert Image.objects.count() == 3
    assert "Aggiunto." in body(10)
    assert f'data-media-id="{library("2023/04/lago.jpg").pk}"' in body(10)


def test_old_upload_addresses_redirect_to_the_new_files(site, client):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads))
    lake = library("2023/04/lago.jpg")

    for old in (
        "/wp-content/uploads/2023/04/lago.jpg",
        "/wp-content/uploads/2023/04/lago-300x200.jpg",
    ):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == lake.file.url
    assert client.get("/wp-content/uploads/2023/04/manca.jpg").status_code == 404


def test_the_imported_article_shows_its_images_gallery_and_embeds(site, client):
    export, uploads = site
    run_import(export, "--media-dir", str(uploads))
    article = WordPressObject.objects.get(kind="post", wp_id="10").article

    html = client.get(article.get_absolute_url()).content.decode()
    assert len(find_elements(html, "a", class_="gallery-link")) == 2
    assert len(find_elements(html, "a", class_="embed-placeholder")) == 2
    assert not find_elements(html, "iframe")


def test_a_dry_run_stores_no_image(site, settings):
    export, uploads = site
    summary = run_import(export, "--media-dir", str(uploads), "--dry-run")

    assert not Image.objects.exists() and not Article.objects.exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []
    assert "DRY RUN" in summary


def test_a_failed_import_leaves_no_library_file(site, settings, monkeypatch):
    export, uploads = site
    from wordpress.body_media import BodyMedia

    real = BodyMedia.import_all

    def fail_after(self):
        real(self)
        raise RuntimeError("disk gone")

    monkeypatch.setattr(BodyMedia, "import_all", fail_after)
    with pytest.raises(RuntimeError):
        run_import(export, "--media-dir", str(uploads))

    assert not Image.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
