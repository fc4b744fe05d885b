"""Article bodies with library images, galleries and embeds, as readers get them."""

import pytest
from django.test.html import parse_html

from blog.models import Article
from core.sanitizer import clean_article_html
from media.render import referenced_ids, render_body
from tests.factories import find_elements, make_article, make_library_image

pytestmark = pytest.mark.django_db


def figure(image, align="wide", alt="Alt scritto", caption="Didascalia", credit="Foto: Rossi"):
    return (
        f'<figure data-align="{align}"><img data-media-id="{image.pk}" src="{image.file.url}"'
        f' alt="{alt}"><figcaption>{caption} <cite>{credit}</cite></figcaption></figure>'
    )


def test_a_library_image_renders_responsive_with_its_size_and_renditions():
    image = make_library_image(size=(1600, 1000))
    html = render_body(clean_article_html(figure(image)))

    (img,) = find_elements(html, "img")
    attrs = dict(img.attributes)
    assert attrs["width"] == "1600" and attrs["height"] == "1000"
    assert attrs["alt"] == "Alt scritto"
    assert attrs["decoding"] == "async"
    srcset = attrs["srcset"]
    for width in (480, 960, 1440):
        assert f"{image.rendition_url(width)} {width}w" in srcset
    assert f"{image.file.url} 1600w" in srcset
    assert attrs["sizes"].startswith("(min-width: 64rem)")  # wide
    assert find_elements(html, "figcaption")  # caption and credit kept


def test_only_the_first_image_loads_eagerly_and_none_after_a_cover():
    images = [make_library_image(size=(800, 600)) for _ in range(3)]
    body = clean_article_html("".join(figure(i) for i in images))

    loading = [dict(e.attributes)["loading"] for e in find_elements(render_body(body), "img")]
    assert loading == ["eager", "lazy", "lazy"]
    after_cover = find_elements(render_body(body, eager=0), "img")
    assert [dict(e.attributes)["loading"] for e in after_cover] == ["lazy"] * 3


def test_a_replaced_file_shows_everywhere_the_image_is_used(django_assert_num_queries):
    image = make_library_image(size=(800, 600))
    body = clean_article_html(figure(image))
    image.file = make_library_image(size=(1200, 900), name="nuova.jpg").file
    image.save()

    with django_assert_num_queries(1):
        html = render_body(body)
    (img,) = find_elements(html, "img")
    assert dict(img.attributes)["width"] == "1200"


def test_alt_falls_back_to_the_library_and_an_unknown_id_stays_as_stored():
    image = make_library_image(alt_text="Dal catalogo")
    html = render_body(
        clean_article_html(
            figure(image, alt="") + '<img data-media-id="999999" src="/x.jpg" alt="x">'
        )
    )
    imgs = find_elements(html, "img")
    assert dict(imgs[0].attributes)["alt"] == "Dal catalogo"
    assert dict(imgs[1].attributes) == {"data-media-id": "999999", "src": "/x.jpg", "alt": "x"}


def test_a_gallery_becomes_a_grid_of_linked_images_with_captions():
    images = [make_library_image(caption=f"Scatto {n}", credit="Bianchi") for n in range(3)]
    ids = ",".join(str(i.pk) for i in images)
    body = clean_article_html(
        f'<figure data-gallery="{ids}"><figcaption>Il viaggio</figcaption></figure>'
    )

    html = render_body(body)
    links = find_elements(html, "a", class_="gallery-link")
    assert [dict(a.attributes)["href"] for a in links] == [i.file.url for i in images]
    assert len(find_elements(html, "li", class_="gallery-item")) == 3
    assert "Scatto 1" in html and "Il viaggio" in html
    assert referenced_ids(body) == {i.pk for i in images}


def test_an_embed_is_a_link_placeholder_that_requests_nothing_from_the_provider():
    body = clean_article_html(
        '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "Il video</a></figure>"
    )
    html = str(render_body(body))
    (link,) = find_elements(html, "a", class_="embed-placeholder")
    attrs = dict(link.attributes)
    assert attrs["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert attrs["data-player"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert not find_elements(html, "iframe") and not find_elements(html, "img")
    assert "Il video" in html


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
            "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
        ),
        (
            "https://soundcloud.com/artista/brano",
            "https://w.soundcloud.com/player/?url=https%3A//soundcloud.com/artista/brano",
        ),
        (
            "https://www.dailymotion.com/video/x7tgad0",
            "https://www.dailymotion.com/embed/video/x7tgad0",
        ),
    ],
)
def test_each_allowed_provider_is_recognised_from_the_address(url, player):
    from media.embeds import find_embed

    assert find_embed(url).player.startswith(player)


def test_an_address_outside_the_allowlist_stays_a_plain_link(settings):
    body = clean_article_html(
        '<figure data-embed="x"><a href="https://evil.example/v/1">Video</a></figure>'
    )
    html = str(render_body(body))
    assert not find_elements(html, "a", class_="embed-placeholder")
    assert find_elements(html, "a", href="https://evil.example/v/1")


def test_the_allowlist_is_extendable_in_settings(settings):
    from media.embeds import find_embed

    settings.MEDIA_EMBED_PROVIDERS = {
        "peertube": {
            "name": "PeerTube",
            "patterns": [r"^https://video\.example\.org/w/(?P<id>\w+)"],
            "player": "https://video.example.org/videos/embed/{id}",
            "origin": "https://video.example.org",
        },
        "youtube": None,
    }
    assert find_embed("https://video.example.org/w/abc").name == "PeerTube"
    assert find_embed("https://youtu.be/dQw4w9WgXcQ") is None


def test_csp_frame_src_lists_exactly_the_allowlisted_players(settings):
    from media.conf import frame_origins

    assert settings.SECURE_CSP["frame-src"] == frame_origins()
    assert "https://www.youtube-nocookie.com" in frame_origins()
    assert not any(o.split("//")[1] == "youtube.com" for o in frame_origins())


def test_the_article_page_renders_body_media_and_records_its_uses(client):
    image = make_library_image()
    article = make_article(body=figure(image))

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # The body's figure (the frame's readership counter image has no srcset).
    (img,) = [e for e in find_elements(html, "img") if "srcset" in dict(e.attributes)]
    assert f"{image.rendition_url(480)} 480w" in dict(img.attributes)["srcset"]
    assert [u.object_id for u in image.uses.all()] == [article.pk]
    Article.objects.filter(pk=article.pk).delete()  # a queryset delete sends the signal too
    assert not image.uses.exists()


def test_a_new_caption_in_the_library_shows_on_the_cached_page(client):
    images = [make_library_image(caption="Prima") for _ in range(2)]
    ids = ",".join(str(i.pk) for i in images)
    article = make_article(body=f'<figure data-gallery="{ids}"></figure>')
    assert "Prima" in client.get(article.get_absolute_url()).content.decode()

    images[0].caption = "Seconda"
    images[0].save()
    assert "Seconda" in client.get(article.get_absolute_url()).content.decode()


def test_the_sanitizer_keeps_only_well_formed_media_references():
    dirty = (
        '<figure data-align="javascript:x" data-gallery="1,2;3" data-embed="You Tube" '
        'data-media-id="3" onclick="x"><img data-media-id="12a" src="/a.jpg" alt="a">'
        '</figure><figure data-align="right" data-gallery="4,5"></figure>'
    )
    clean = parse_html(clean_article_html(dirty))
    assert clean == parse_html(
        '<figure><img src="/a.jpg" alt="a"></figure>'
        '<figure data-align="right" data-gallery="4,5"></figure>'
    )
