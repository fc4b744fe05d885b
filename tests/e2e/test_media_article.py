"""An article with library images, a gallery and embeds, read in Chromium.

Every image loads (naturalWidth > 0) without shifting the layout; no request leaves the site
until the reader clicks an embed's placeholder, then only to the provider's privacy-enhanced
player (answered here by Playwright's routing: nothing reaches the internet); the gallery
enlarges by keyboard; no CSP violation, axe and the Nu checker clean.
"""

import json
import mimetypes
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_accessibility import BLOCKING, readable, run_axe
from tests.e2e.test_valid_html import _readable, _vnu_command
from tests.factories import make_article, make_library_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYER_HOST = "www.youtube-nocookie.com"
PARAGRAPHS = "".join(
    f"<p>Paragrafo {n}: un testo abbastanza lungo da spingere le immagini più in basso, "
    "oltre la prima schermata, perché arrivino pigramente.</p>"
    for n in range(12)
)
WATCH_CLS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }
}).observe({type: "layout-shift", buffered: true});
"""


def figure(image, align, caption):
    return (
        f'<figure data-align="{align}"><img data-media-id="{image.pk}" src="{image.file.url}"'
        f' alt="{image.alt_text}"><figcaption>{caption} <cite>Redazione</cite></figcaption>'
        "</figure>"
    )


@pytest.fixture
def article(settings):
    settings.IMAGE_RENDITION_WIDTHS = (480, 960)
    lead = make_library_image(size=(1600, 900), alt_text="Il porto al mattino")
    side = make_library_image(size=(900, 1200), alt_text="Una barca in secca", fmt="PNG")
    shots = [
        make_library_image(size=(1200, 800), alt_text=f"Scatto {n}", caption=f"Scatto {n}")
        for n in range(4)
    ]
    ids = ",".join(str(i.pk) for i in shots)
    body = (
        figure(lead, "wide", "Il porto")
        + PARAGRAPHS
        + figure(side, "right", "La barca")
        + PARAGRAPHS
        + f'<figure data-gallery="{ids}"><figcaption>Una giornata al porto</figcaption></figure>'
        + '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "Il documentario</a></figure>"
        + '<figure data-embed="spotify"><a href="https://open.spotify.com/episode/'
        '4rOoJ6Egrf8K2IrywzwOMk">Il podcast</a></figure>' + PARAGRAPHS
    )
    return make_article(title="Il porto", body=body)


def serve_media(page, live_server, settings, requests, held=None):
    """Uploads served as the web server in front would (DEBUG is off); every request seen, and
    any to another host answered here: a player page for the provider, nothing otherwise.
    With `held` (a list), image requests wait there until the test answers them."""
    root = Path(settings.MEDIA_ROOT)

    def handle(route):
        url = route.request.url
        requests.append(url)
        parts = urlsplit(url)
        if parts.netloc == PLAYER_HOST:
            route.fulfill(
                status=200,
                content_type="text/html",
                body="<!DOCTYPE html><title>Lettore</title><p>Il lettore</p>",
            )
        elif url.startswith(live_server.url + "/media/") and held is not None and held.active:
            held.append(route)
        elif url.startswith(live_server.url + "/media/"):
            path = root / parts.path.removeprefix("/media/")
            route.fulfill(
                status=200,
                content_type=mimetypes.guess_type(path.name)[0],
                body=path.read_bytes(),
            )
        elif url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)
    return handle


class Held(list):
    active = True


LAYOUT = """() => ({
    footer: document.querySelector(".article-footer").getBoundingClientRect().top + scrollY,
    images: Array.from(document.querySelectorAll(".article-body img"), image => {
        const box = image.getBoundingClientRect();
        return [Math.round(box.width), Math.round(box.height)];
    }),
})"""


def scroll_through(page):
    height = page.evaluate("document.documentElement.scrollHeight")
    for _ in range(0, height + 800, 400):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(60)
    # (wait_for_function would evaluate a string: the page's policy forbids eval.)
    for _ in range(100):
        if page.evaluate("Array.from(document.images).every(image => image.complete)"):
            return
        page.wait_for_timeout(100)


def test_images_gallery_and_embeds_load_right(open_page, live_server, settings, article):
    page = open_page(viewport={"width": 1280, "height": 800})
    requests, held = [], Held()
    handle = serve_media(page, live_server, settings, requests, held)
    page.add_init_script(WATCH_CLS)
    page.goto(article.get_absolute_url(), wait_until="domcontentloaded")
    # Before any image has arrived, each already takes its final room (width and height).
    before = page.evaluate(LAYOUT)
    assert all(height > 0 for _, height in before["images"]), before
    held.active = False
    for route in held:
        handle(route)

    images = page.locator(".article-body img")
    assert images.count() == 6
    loading = images.evaluate_all("list => list.map(image => image.loading)")
    assert loading == ["eager"] + ["lazy"] * 5
    for image in images.all():
        assert image.get_attribute("srcset") and image.get_attribute("sizes")
    scroll_through(page)
    natural = images.evaluate_all("list => list.map(image => image.naturalWidth)")
    assert all(width > 0 for width in natural), natural
    assert page.evaluate(LAYOUT) == before  # nothing moved when they arrived
    assert page.evaluate("window.__layoutShift") < 0.01

    # Nothing left the site yet: no player, no provider thumbnail, no font, no script.
    foreign = {urlsplit(url).netloc for url in requests} - {urlsplit(live_server.url).netloc}
    assert foreign == set()
    assert page.locator("iframe").count() == 0

    # The gallery: a thumbnail opens the large image by keyboard; arrows move; Escape closes.
    first = page.locator(".gallery-link").first
    first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.lightbox")
    dialog.wait_for()
    large = dialog.locator("img")
    assert large.get_attribute("srcset") == first.locator("img").get_attribute("srcset")
    assert large.evaluate("image => image.src").endswith(".jpg")
    assert "Scatto 0" in dialog.locator("figcaption").inner_text()
    page.keyboard.press("ArrowRight")
    assert "Scatto 1" in dialog.locator("figcaption").inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('gallery-link')")

    # The reader asks for the video: the privacy-enhanced player, and only then.
    placeholder = page.locator("a.embed-placeholder", has_text="Il documentario")
    placeholder.click()
    frame = page.locator("iframe.embed-frame")
    frame.wait_for()
    assert frame.get_attribute("src").startswith(f"https://{PLAYER_HOST}/embed/dQw4w9WgXcQ")
    assert frame.get_attribute("title") == "Il documentario"
    page.frame_locator("iframe.embed-frame").get_by_text("Il lettore").wait_for()
    assert {urlsplit(url).netloc for url in requests} - {urlsplit(live_server.url).netloc} == {
        PLAYER_HOST
    }
    # The other embed still waits for its own click.
    assert page.locator("a.embed-placeholder", has_text="Il podcast").is_visible()


def test_without_javascript_embeds_are_plain_links_and_thumbnails_link_the_image(
    open_page, live_server, settings, article
):
    page = open_page(java_script_enabled=False)
    requests = []
    serve_media(page, live_server, settings, requests)
    page.goto(article.get_absolute_url())

    link = page.locator("a.embed-placeholder", has_text="Il documentario")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    gallery_link = page.locator(".gallery-link").first
    assert gallery_link.get_attribute("href").startswith("/media/library/")


def test_the_page_passes_axe_on_a_phone(open_page, live_server, settings, article, axe_script):
    page = open_page(bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True)
    serve_media(page, live_server, settings, [])
    page.goto(article.get_absolute_url())
    # On a phone the gallery is a grid of two columns, never wider than the screen.
    columns = page.locator(".gallery-grid").evaluate(
        "grid => getComputedStyle(grid).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    results = run_axe(page, axe_script)
    blocking = [rule for rule in results["violations"] if rule["impact"] in BLOCKING]
    assert not blocking, readable({"article-with-media": blocking})


def test_the_page_is_valid_html(client, article, tmp_path):
    command = _vnu_command()
    page = tmp_path / "article.html"
    page.write_bytes(client.get(article.get_absolute_url()).content)
    result = subprocess.run(
        [*command, str(page)], capture_output=True, text=True, timeout=120, check=False
    )
    messages = json.loads(result.stderr)["messages"] if result.stderr else []
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, _readable(errors)
