"""The article page with a deep thread, on a phone and on a desktop.

Screenshots are always saved to test-artifacts/ (article-375.png, article-375-replying.png,
article-1280.png) for a person to look at; the test checks what can be measured: nothing wider
than the screen, and replies that stop indenting before the text gets too narrow to read.
"""

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import build_site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

MEASURE = """() => {
    const bodies = [...document.querySelectorAll("#comments .comment-body")];
    const widths = bodies.map(body => body.getBoundingClientRect().width);
    const list = document.querySelector("#comments .comment-list").getBoundingClientRect();
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        listWidth: list.width,
        narrowestComment: Math.min(...widths),
        overflowing: [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                 + (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : ""))
            .slice(0, 10),
    };
}"""


def measure(page) -> dict:
    return page.evaluate(MEASURE)


def test_deep_thread_fits_a_phone_and_a_desktop(open_page):
    site = build_site()
    deepest = site.thread[-1]
    assert deepest.level == 4  # five levels: the default maximum depth
    ARTIFACTS.mkdir(exist_ok=True)

    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.goto(site.article.get_absolute_url())
    phone.screenshot(path=ARTIFACTS / "article-375.png", full_page=True)
    sizes = measure(phone)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes
    assert not sizes["overflowing"], sizes
    # Indentation is capped: the deepest reply keeps most of the thread's width for its text.
    assert sizes["narrowestComment"] >= 0.8 * sizes["listWidth"], sizes

    # Replying at the fourth level: the form fits under the comment too.
    phone.click(f"#comment-{site.thread[-2].pk} > .comment-body .comment-reply-link")
    phone.screenshot(path=ARTIFACTS / "article-375-replying.png", full_page=True)
    sizes = measure(phone)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes
    assert phone.locator("#respond").bounding_box()["width"] >= 0.75 * sizes["listWidth"]

    desktop = open_page(viewport=DESKTOP)
    desktop.goto(site.article.get_absolute_url())
    desktop.screenshot(path=ARTIFACTS / "article-1280.png", full_page=True)
    sizes = measure(desktop)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes
    assert not sizes["overflowing"], sizes
