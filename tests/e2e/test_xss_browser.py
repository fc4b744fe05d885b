"""The worst pages in a real browser: an article whose body and comments hold the whole hostile
corpus (tests/security/xss_vectors.py), the comment form sent back with all of it, and search.

Every executable vector calls alert() or sets window.__xss: no dialog may open, window.__xss must
stay undefined, and Chromium's own parse of the page (what mutation XSS aims at) must hold no
event handler, no javascript:/vbscript:/data: URL and no foreign element. Any CSP violation
fails the test too (tests/e2e/conftest.py).
"""

from urllib.parse import urlencode

import pytest
from django.db import transaction

from comments.forms import CommentForm
from comments.models import Comment
from comments.services import comment_post
from tests.factories import make_article, post_form_data
from tests.security.xss_vectors import VECTORS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CORPUS = [vector for _, vector in VECTORS]

FIND_EXECUTABLE = """() => {
    const findings = [];
    const urlAttributes = new Set([
        "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
        "cite", "srcset", "ping", "codebase",
    ]);
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            if (name.startsWith("on")) findings.push(`${element.tagName} ${name}`);
            if (name === "style") findings.push(`${element.tagName} style=${attribute.value}`);
            if (!urlAttributes.has(name)) continue;
            // A srcset candidate is "URL width", any other value is the URL itself.
            const candidates = name === "srcset"
                ? attribute.value.split(",").map((candidate) => candidate.trim().split(/\\s+/)[0])
                : [attribute.value];
            for (const url of candidates) {
                let protocol;
                try {
                    protocol = new URL(url, document.baseURI).protocol;
                } catch (error) {
                    continue;
                }
                if (["javascript:", "vbscript:", "data:"].includes(protocol)) {
                    findings.push(`${element.tagName} ${name}=${attribute.value}`);
                }
            }
        }
    }
    const foreign = "iframe, frame, object, embed, base, svg, math, template, noscript, "
        + "meta[http-equiv], link[rel~=import], style";
    for (const element of document.querySelectorAll(foreign)) {
        findings.push(`element ${element.outerHTML.slice(0, 120)}`);
    }
    for (const script of document.scripts) {
        const ours = script.src.startsWith(location.origin + "/static/")
            || script.type === "application/ld+json";
        if (!ours) findings.push(`script ${script.outerHTML.slice(0, 120)}`);
    }
    if (document.baseURI !== location.href.split("#")[0]) findings.push("base URI changed");
    return findings;
}"""

# Give every handler a chance: events on everything that holds readers' or editors' text.
PROVOKE = """() => {
    const kinds = ["mouseover", "mouseenter", "pointerenter", "focus", "blur", "copy", "toggle",
                   "animationstart", "beforeinput"];
    for (const element of document.querySelectorAll(
        ".article-body *, .comment-content *, .comment-author *, #commentform *"
    )) {
        for (const kind of kinds) element.dispatchEvent(new Event(kind, {bubbles: true}));
    }
}"""


@pytest.fixture
def watched(page):
    """The page, with every dialog recorded (and dismissed)."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.dialogs = dialogs
    return page


def assert_nothing_ran(page):
    page.evaluate(PROVOKE)
    page.wait_for_timeout(300)  # timers, animations, lazy images
    assert page.dialogs == []
    assert page.evaluate("window.__xss") is None
    findings = page.evaluate(FIND_EXECUTABLE)
    assert findings == [], "\n".join(findings[:20])


@pytest.fixture
def worst_article(settings):
    """Every vector as an article body and as a comment, validated by the comment form as the
    view does (a website that is not a web address is left out) and published straight away."""
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    with transaction.atomic():
        article = make_article(
            title="Il peggio di internet",
            lead=CORPUS[0],
            body="\n".join(CORPUS),  # Article.save() runs the sanitizer, as the admin does.
        )
        for index, vector in enumerate(CORPUS):
            typed = vector.replace("\x00", "")
            data = post_form_data(
                article,
                author_name=typed[:100],
                author_email=f"ospite{index}@example.com",
                author_url=vector,
                body=typed,
            )
            form = CommentForm(data, article=article)
            if not form.is_valid():
                assert list(form.errors) == ["author_url"], form.errors
                # A new form, as the reader's browser would post again (a form token is single-use).
                data = post_form_data(
                    article,
                    author_name=typed[:100],
                    author_email=f"ospite{index}@example.com",
                    author_url="",
                    body=typed,
                )
                form = CommentForm(data, article=article)
                assert form.is_valid(), form.errors
            fields = form.cleaned_data
            comment = comment_post(
                article=article,
                body=fields["body"],
                author_name=fields["author_name"],
                author_email=fields["author_email"],
                author_url=fields["author_url"],
                user_agent=typed,
            )
            assert comment.status == Comment.Status.APPROVED
    return article


def test_article_holding_the_whole_corpus_runs_nothing(watched, worst_article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = len(CORPUS)  # the whole corpus on one comment page
    page = watched
    page.goto(worst_article.get_absolute_url())

    assert page.locator(".comment-content").count() == len(CORPUS)
    assert_nothing_ran(page)

    # Replying to hostile names: the script writes the name into the form's heading.
    links = page.locator(".comment-reply-link")
    for index in range(0, links.count(), 25):
        links.nth(index).click()
        assert page.locator("[data-reply-heading]").inner_text().startswith("Rispondi a")
    assert_nothing_ran(page)


def test_refused_comment_form_echoing_the_corpus_runs_nothing(watched, settings):
    settings.COMMENTS_RATE_LIMIT = 100_000
    page = watched
    article = make_article()
    page.goto(article.get_absolute_url())
    page.fill("#id_author_name", '"><img src=x onerror=alert(1)>'[:100])
    page.fill("#id_author_email", 'not-an-address"><svg onload=alert(1)>')
    page.fill("#id_author_url", "javascript:alert(1)")
    # Refused, and all of it echoed back in the form.
    page.fill("#id_body", "\n".join(CORPUS).replace("\x00", ""))
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()

    # The address and the website are refused (the browser itself cuts the body at the
    # textarea's maxlength, so the body arrives within the limit).
    assert page.locator(".field-error").count() >= 2
    echoed = page.input_value("#id_body")
    assert echoed.startswith(CORPUS[0])
    assert len(echoed) >= 4000
    assert_nothing_ran(page)


def test_search_for_hostile_queries_runs_nothing(watched):
    page = watched
    make_article(title="Notizie del giorno")
    for vector in CORPUS[::40]:
        page.goto("/cerca/?" + urlencode({"q": vector}))
        assert_nothing_ran(page)
