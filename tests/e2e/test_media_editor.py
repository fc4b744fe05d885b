"""The article editor's media buttons in Chromium: a library image, a gallery and an embed are
chosen in dialogs and saved as references the sanitizer keeps."""

import pytest

from blog.models import Article
from media.models import Image
from tests.e2e.conftest import choose_author, log_in
from tests.factories import make_author, make_image_bytes, make_library_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_inserts_an_image_a_gallery_and_an_embed(editor_page):
    page = editor_page
    author = make_author(display_name="Giulia Neri")
    lake = make_library_image(title="Lago di Como", alt_text="")
    hills = make_library_image(title="Colline", alt_text="Colline al tramonto")
    log_in(page, next_path="/admin/blog/article/add/")
    editor = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()
    page.keyboard.type("Introduzione.")

    # An image: searched, chosen; it cannot go in without alternative text.
    page.get_by_role("button", name="Immagine dalla libreria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator(".media-search").fill("lago")
    dialog.locator(".media-card", has_text="Lago di Como").click()
    dialog.get_by_role("button", name="Inserisci").click()
    assert dialog.is_visible()  # refused: no alt text yet
    dialog.get_by_label("Testo alternativo (obbligatorio)").fill("Il lago all'alba")
    dialog.get_by_label("Didascalia").fill("Como, dicembre")
    dialog.get_by_label("Credito").fill("Mario Rossi")
    dialog.get_by_label("Allineamento").select_option("wide")
    dialog.get_by_role("button", name="Inserisci").click()
    dialog.wait_for(state="detached")

    # A gallery of both.
    page.get_by_role("button", name="Galleria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator(".media-card", has_text="Lago di Como").click()
    dialog.locator(".media-card", has_text="Colline").click()
    dialog.get_by_role("button", name="Inserisci la galleria").click()
    dialog.wait_for(state="detached")

    # An embed: an address outside the allowlist is refused, a YouTube one is taken.
    page.get_by_role("button", name="Video o audio (incorporato)").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator("input[type=url]").fill("https://example.com/video/1")
    dialog.get_by_role("button", name="Inserisci").click()
    assert dialog.get_by_role("alert").is_visible()
    dialog.locator("input[type=url]").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.locator("input[type=text]").fill("Il concerto")
    dialog.get_by_role("button", name="Inserisci").click()
    dialog.wait_for(state="detached")

    page.fill("#id_title", "Con le foto")
    choose_author(page, author)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/article/")

    body = Article.objects.get(title="Con le foto").body
    assert f'<img data-media-id="{lake.pk}"' in body
    assert 'alt="Il lago all\'alba"' in body
    assert "Como, dicembre <cite>Mario Rossi</cite>" in body
    assert 'data-align="wide"' in body
    assert f'data-gallery="{lake.pk},{hills.pk}"' in body
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Il concerto</a>' in body
    assert page.evaluate("window.__cspViolations") == []


def test_an_image_uploaded_from_the_chooser_goes_straight_to_its_details(editor_page, tmp_path):
    page = editor_page
    photo = tmp_path / "nuova-foto.jpg"
    photo.write_bytes(make_image_bytes(size=(900, 600)))
    log_in(page, next_path="/admin/blog/article/add/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").wait_for()

    page.get_by_role("button", name="Immagine dalla libreria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator("input[type=file]").set_input_files(str(photo))
    dialog.get_by_label("Testo alternativo (obbligatorio)").wait_for()

    image = Image.objects.get()
    assert image.title == "nuova foto" and image.renditions == [480]
    assert dialog.locator(".media-details-preview").get_attribute("src") == image.file.url
    dialog.get_by_role("button", name="Chiudi").click()
    dialog.wait_for(state="detached")


def insert_image(page, title, alt):
    page.get_by_role("button", name="Immagine dalla libreria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator(".media-card", has_text=title).click()
    dialog.get_by_label("Testo alternativo (obbligatorio)").fill(alt)
    dialog.get_by_role("button", name="Inserisci").click()
    dialog.wait_for(state="detached")


def test_typing_after_each_insertion_never_replaces_the_figure(editor_page):
    """The editor left an inserted figure selected: the first key typed replaced it. The cursor
    now goes to a paragraph after the figure, whether the editor was empty, the cursor at the
    end of a paragraph, or the figure just changed through its dialog."""
    page = editor_page
    author = make_author(display_name="Giulia Neri")
    lake = make_library_image(title="Lago di Como")
    hills = make_library_image(title="Colline")
    log_in(page, next_path="/admin/blog/article/add/")
    editor = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()

    # Into the empty editor (its empty paragraph is replaced by the figure).
    insert_image(page, "Lago di Como", "Il lago")
    page.keyboard.type("Dopo la foto.")
    assert editor.locator(f'img[data-media-id="{lake.pk}"]').count() == 1

    page.get_by_role("button", name="Galleria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator(".media-card", has_text="Lago di Como").click()
    dialog.locator(".media-card", has_text="Colline").click()
    dialog.get_by_role("button", name="Inserisci la galleria").click()
    dialog.wait_for(state="detached")
    page.keyboard.type("Dopo la galleria.")

    page.get_by_role("button", name="Video o audio (incorporato)").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.locator("input[type=url]").fill("https://vimeo.com/76979871")
    dialog.locator("input[type=text]").fill("Il film")
    dialog.get_by_role("button", name="Inserisci").click()
    dialog.wait_for(state="detached")
    page.keyboard.type("Dopo il video.")

    # Changed through its dialog: the cursor leaves the figure too.
    editor.locator("figure", has=page.locator(f'img[data-media-id="{lake.pk}"]')).click()
    page.get_by_role("button", name="Immagine dalla libreria").click()
    dialog = page.locator("dialog.media-dialog")
    dialog.get_by_label("Didascalia").fill("Como, dicembre")
    dialog.get_by_role("button", name="Aggiorna").click()
    dialog.wait_for(state="detached")
    page.keyboard.type("Ancora. ")

    page.fill("#id_title", "Figure e testo")
    choose_author(page, author)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/article/")

    body = Article.objects.get(title="Figure e testo").body
    figures_and_text = [
        f'<img data-media-id="{lake.pk}"',
        "Como, dicembre</figcaption></figure>",
        "<p>Ancora. Dopo la foto.</p>",
        f'<figure data-gallery="{lake.pk},{hills.pk}"',
        "<p>Dopo la galleria.</p>",
        '<figure data-embed="vimeo"><a href="https://vimeo.com/76979871">Il film</a></figure>',
        "<p>Dopo il video.</p>",
    ]
    positions = [body.find(part) for part in figures_and_text]
    assert -1 not in positions, body
    assert positions == sorted(positions), body
    assert page.evaluate("window.__cspViolations") == []
