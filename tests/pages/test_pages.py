"""Pages: nested addresses, drafts never public, addresses that never hide another route."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pages.models import Page
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def make_page(*, title="Chi siamo", slug="chi-siamo", status="published", **extra):
    page = Page(
        title=title, slug=slug, status=status, body=extra.pop("body", "<p>Noi.</p>"), **extra
    )
    page.full_clean()
    page.save()
    return page


def test_nested_page_lives_at_its_full_path(client):
    parent = make_page()
    child = make_page(title="La redazione", slug="redazione", parent=parent)
    assert child.get_absolute_url() == "/chi-siamo/redazione/"
    page = client.get("/chi-siamo/redazione/")
    assert page.status_code == 200
    assert "La redazione" in page.text
    assert 'href="/chi-siamo/"' in page.text  # breadcrumbs


def test_renaming_a_parent_moves_its_children(client):
    parent = make_page()
    child = make_page(title="La redazione", slug="redazione", parent=parent)
    parent.slug = "noi"
    parent.save()
    child.refresh_from_db()
    assert child.path == "noi/redazione"
    assert client.get("/noi/redazione/").status_code == 200
    assert client.get("/chi-siamo/redazione/").status_code == 404


def test_draft_page_is_not_public_but_editors_preview_it(client):
    page = make_page(status="draft")
    assert client.get("/chi-siamo/").status_code == 404
    client.force_login(make_user(groups=["Editors"]))
    preview = client.get(page.get_preview_url())
    assert preview.status_code == 200
    assert preview["X-Robots-Tag"] == "noindex, nofollow"


def test_authors_cannot_preview_pages(client):
    page = make_page(status="draft")
    client.force_login(make_user(groups=["Authors"]))
    assert client.get(page.get_preview_url()).status_code == 404


def test_body_is_sanitized():
    page = make_page(body='<p onclick="x()">Ciao<script>alert(1)</script></p>')
    assert "script" not in page.body and "onclick" not in page.body


@pytest.mark.parametrize(
    "slug",
    ["categoria", "tag", "autore", "feed", "cerca", "admin", "newsletter", "2024", "rettifiche"],
)
def test_addresses_of_other_routes_are_refused(slug):
    with pytest.raises(ValidationError) as error:
        make_page(slug=slug)
    assert "slug" in error.value.message_dict


def test_two_pages_cannot_share_an_address():
    make_page()
    with pytest.raises(ValidationError):
        make_page(title="Altro")


def test_a_page_cannot_be_its_own_ancestor():
    parent = make_page()
    child = make_page(title="Figlia", slug="figlia", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.full_clean()


def test_articles_still_win_over_pages(client):
    article = make_article(slug="pezzo")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/non-esiste/").status_code == 404


def test_pages_are_in_the_sitemap_drafts_are_not(client):
    make_page()
    make_page(title="Bozza", slug="bozza", status="draft")
    index = client.get(reverse("sitemap")).text
    assert reverse("sitemap-section", args=["pages"]) in index
    sitemap = client.get(reverse("sitemap-section", args=["pages"])).text
    assert "/chi-siamo/" in sitemap
    assert "/bozza/" not in sitemap


def test_search_finds_published_pages(client):
    make_page(body="<p>La nostra redazione lavora a Milano.</p>")
    make_page(title="Segreta", slug="segreta", status="draft", body="<p>Milano</p>")
    page = client.get(reverse("blog:search"), {"q": "milano"})
    assert 'href="/chi-siamo/"' in page.text
    assert "/segreta/" not in page.text


def test_admin_refuses_a_colliding_address_with_a_message(client):
    client.force_login(make_user(groups=["Editors"]))
    response = client.post(
        reverse("admin:pages_page_add"),
        {
            "title": "Categorie",
            "slug": "categoria",
            "body": "<p>x</p>",
            "status": "draft",
            "order": 0,
        },
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("group", "allowed"), [("Editors", True), ("Authors", False), ("Moderators", False)]
)
def test_only_editors_manage_pages_and_menus(client, group, allowed):
    client.force_login(make_user(groups=[group]))
    for name in ("admin:pages_page_add", "admin:pages_menu_add", "admin:blog_correction_add"):
        status = client.get(reverse(name)).status_code
        assert (status == 200) is allowed, (name, status)


def test_page_saves_are_versioned_in_the_admin(client):
    client.force_login(make_user(groups=["Editors"]))
    data = {
        "title": "Contatti",
        "slug": "contatti",
        "body": "<p>Scrivici.</p>",
        "status": "published",
        "order": 0,
    }
    assert client.post(reverse("admin:pages_page_add"), data).status_code == 302
    page = Page.objects.get(slug="contatti")
    versions = client.get(reverse("admin:pages_page_versions", args=[page.pk]))
    assert versions.status_code == 200
    assert "Contatti" in versions.text


def test_a_file_like_address_is_a_plain_404_not_a_redirect_to_a_page_address(client):
    assert client.get("/apple-touch-icon.png").status_code == 404


def test_page_without_its_slash_is_redirected_to_it(client):
    make_page()
    response = client.get("/chi-siamo")
    assert response.status_code == 301 and response["Location"] == "/chi-siamo/"


def test_a_page_shows_library_images_as_articles_do_and_the_library_knows(client):
    from media.models import Image, ImageUse
    from tests.factories import find_elements, make_library_image

    image = make_library_image(size=(1600, 1000))
    page = make_page(body=f'<p><img data-media-id="{image.pk}" src="/x" alt="La redazione"></p>')

    images = find_elements(client.get(page.get_absolute_url()).text, "img")
    # The body's figure; the frame adds the readership counter's own image for readers without
    # JavaScript.
    (attrs,) = [a for a in map(dict, (img.attributes for img in images)) if a.get("alt")]
    assert f"{image.rendition_url(480)} 480w" in attrs["srcset"]
    assert (attrs["width"], attrs["height"]) == ("1600", "1000")
    assert ImageUse.objects.filter(image=image, object_id=page.pk, label=page.title).exists()

    client.force_login(make_user(groups=["Editors"]))
    response = client.post(reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert find_elements(
        response.content.decode(), "a", href=reverse("admin:pages_page_change", args=[page.pk])
    )
