"""The media library in the admin: grid, search, filters, multi-file upload, uses, deletion."""

import pytest
from django.urls import reverse

from blog.models import Article
from media.models import Image
from tests.factories import (
    article_admin_form_data,
    find_elements,
    make_article,
    make_author,
    make_library_image,
    make_upload,
    make_user,
)
from tests.media.conftest import CHANGELIST, CHOOSER, UPLOAD

pytestmark = pytest.mark.django_db


def test_several_files_upload_at_once_without_javascript(client, editor):
    files = [make_upload(f"foto-{n}.jpg", size=(900, 600)) for n in range(3)]

    response = client.post(UPLOAD, {"files": files, "credit": "Agenzia", "source": ""})

    assert response.status_code == 302
    images = Image.objects.order_by("pk")
    assert [i.title for i in images] == ["foto 0", "foto 1", "foto 2"]
    assert {i.credit for i in images} == {"Agenzia"}
    assert {i.uploaded_by for i in images} == {editor}
    assert all(i.renditions == [480] for i in images)


def test_a_bad_file_among_good_ones_is_named_with_its_reason_and_the_good_ones_are_kept(
    client, editor
):
    files = [make_upload("buona.jpg"), make_upload("pagina.jpg", content=b"<html>x</html>")]

    response = client.post(UPLOAD, {"files": files}, headers={"accept-language": "en"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "pagina.jpg: The file is not an image, or it is damaged." in html
    assert list(Image.objects.values_list("title", flat=True)) == ["buona"]


def test_javascript_uploads_one_file_and_gets_json(client, editor):
    response = client.post(
        UPLOAD,
        {"files": [make_upload("uno.png", fmt="PNG")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["ok"] and result["id"] == Image.objects.get().pk


def test_the_upload_page_offers_a_plain_multi_file_form_and_its_enhancement(client, editor):
    html = client.get(UPLOAD).content.decode()
    (field,) = find_elements(html, "input", type="file")
    assert "multiple" in dict(field.attributes)
    assert find_elements(html, "script", src="/static/media/admin/upload.js")


def test_the_grid_shows_thumbnails_and_searches_and_filters_unused(client, editor):
    used = make_library_image(title="Tramonto sul lago", size=(1000, 700))
    make_library_image(title="Alba in montagna")
    make_article(body=f'<p><img data-media-id="{used.pk}" src="{used.file.url}" alt="x"></p>')

    html = client.get(CHANGELIST).content.decode()
    assert len(find_elements(html, "img", class_="media-thumb")) == 2
    assert find_elements(html, "img", src=used.rendition_url(480))

    found = client.get(CHANGELIST, {"q": "lago"}).context["cl"].result_list
    assert [i.pk for i in found] == [used.pk]
    unused = client.get(CHANGELIST, {"used": "no"}).context["cl"].result_list
    assert [i.title for i in unused] == ["Alba in montagna"]


def test_an_image_page_lists_where_it_is_used(client, editor):
    image = make_library_image()
    article = make_article(
        title="Reportage", body=f'<figure data-gallery="{image.pk},{image.pk}"></figure>'
    )

    html = client.get(reverse("admin:media_image_change", args=[image.pk])).content.decode()
    assert find_elements(html, "a", href=reverse("admin:blog_article_change", args=[article.pk]))
    assert "Reportage" in html


def test_deleting_a_used_image_is_refused_with_the_list_of_its_uses(client, editor):
    image = make_library_image()
    article = make_article(
        title="Reportage", body=f'<p><img data-media-id="{image.pk}" src="/x" alt="x"></p>'
    )
    delete = reverse("admin:media_image_delete", args=[image.pk])

    response = client.post(delete, {"post": "yes"})

    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()
    html = response.content.decode()
    assert find_elements(html, "a", href=reverse("admin:blog_article_change", args=[article.pk]))
    assert "Reportage" in html

    article.body = "<p>Niente foto.</p>"
    article.save()
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


def test_deleting_an_unused_image_removes_its_files(
    client, editor, django_capture_on_commit_callbacks
):
    image = make_library_image()
    names = [image.file.name, image.file.name.replace(".jpg", ".w480.webp")]
    storage = image.file.storage
    assert all(storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:media_image_delete", args=[image.pk]), {"post": "yes"})

    assert not any(storage.exists(n) for n in names)


def test_authors_see_and_use_the_library_but_change_only_their_own(client, author_user):
    theirs = make_library_image(user=author_user)
    others = make_library_image(user=make_user(groups=["Editors"]))

    assert client.get(CHANGELIST).status_code == 200
    assert {r["id"] for r in client.get(CHOOSER).json()["results"]} == {theirs.pk, others.pk}
    assert client.post(UPLOAD, {"files": [make_upload("mia.jpg")]}).status_code == 302
    own = reverse("admin:media_image_change", args=[theirs.pk])
    assert client.post(own, {"title": "Nuovo", "alt_text": "a"}).status_code == 302
    other = reverse("admin:media_image_change", args=[others.pk])
    client.post(other, {"title": "Preso", "alt_text": "b"})
    others.refresh_from_db()
    assert others.title != "Preso"
    assert (
        client.post(
            reverse("admin:media_image_delete", args=[others.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_people_without_library_permissions_get_nothing(client):
    client.force_login(make_user())
    assert client.get(CHOOSER).status_code == 403
    assert client.post(UPLOAD, {"files": [make_upload()]}).status_code == 403
    assert not Image.objects.exists()


def test_the_chooser_searches_and_pages(client, editor, settings):
    settings.MEDIA_CHOOSER_PAGE_SIZE = 2
    for n in range(3):
        make_library_image(title=f"Foto {n}", caption="mare" if n else "")
    first = client.get(CHOOSER).json()
    assert len(first["results"]) == 2 and first["has_next"]
    assert [r["title"] for r in client.get(CHOOSER, {"q": "mare"}).json()["results"]] == [
        "Foto 2",
        "Foto 1",
    ]


def test_the_article_editor_offers_the_media_buttons(client, editor):
    html = client.get(reverse("admin:blog_article_add")).content.decode()
    assert "/static/media/editor/media-library.js" in html
    assert "MediaImage" in html and "MediaGallery" in html and "MediaEmbed" in html
    assert reverse("admin:media_chooser") in html


def test_an_article_saved_from_the_admin_keeps_its_media_and_records_the_uses(client, editor):
    image = make_library_image()
    body = (
        f'<figure data-align="left"><img data-media-id="{image.pk}" src="{image.file.url}"'
        ' alt="Il lago">'
        "<figcaption>Didascalia <cite>Rossi</cite></figcaption></figure>"
        '<figure data-embed="vimeo"><a href="https://vimeo.com/76979871">Il film</a></figure>'
    )
    data = article_admin_form_data(body=body, author=make_author())
    response = client.post(reverse("admin:blog_article_add"), data)
    assert response.status_code == 302
    assert image.uses.get().label.startswith("Articolo dal pannello")
    stored = Article.objects.get().body
    assert f'data-media-id="{image.pk}"' in stored and 'data-embed="vimeo"' in stored
    assert 'data-align="left"' in stored and "<cite>Rossi</cite>" in stored


def test_replacing_the_file_keeps_the_id_and_removes_the_old_files(
    client, editor, django_capture_on_commit_callbacks
):
    image = make_library_image(size=(1000, 700))
    old = [image.file.name, image.file.name.replace(".jpg", ".w480.webp")]
    storage = image.file.storage
    change = reverse("admin:media_image_change", args=[image.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change,
            {
                "file": make_upload("ritaglio.png", fmt="PNG", size=(600, 600)),
                "title": "T",
                "alt_text": "Ritagliata",
            },
        )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name.endswith(".png") and (image.width, image.height) == (600, 600)
    assert image.renditions == [480]
    assert storage.exists(image.file.name)
    assert not any(storage.exists(name) for name in old)
