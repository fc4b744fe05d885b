"""Accessibility in the browser: axe-core on every public page type, the comment form by keyboard
alone, the thread's nesting in the accessibility tree, focus when replying.
"""

import pytest

from comments.models import Comment
from tests.e2e.pages import build_site
from tests.factories import make_article, make_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = ("serious", "critical")  # axe's colour-contrast rule is "serious"

RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return {
        passes: results.passes.map(rule => rule.id),
        violations: results.violations.map(rule => ({
            id: rule.id,
            impact: rule.impact,
            help: rule.help,
            nodes: rule.nodes.map(node => ({
                target: node.target.join(" "),
                summary: node.failureSummary,
            })),
        })),
    };
}"""


def run_axe(page, axe_script) -> dict:
    page.add_script_tag(path=axe_script)
    return page.evaluate(RUN_AXE)


def readable(found: dict) -> str:
    lines = []
    for page_name, violations in found.items():
        for rule in violations:
            lines.append(f"{page_name}: [{rule['impact']}] {rule['id']}: {rule['help']}")
            for node in rule["nodes"][:5]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def test_no_serious_or_critical_axe_violations_on_public_pages(open_page, axe_script):
    site = build_site()
    # bypass_csp: axe is injected as an inline script, which a Content-Security-Policy forbids.
    page = open_page(bypass_csp=True)
    found, contrast_checked = {}, []

    def check(name):
        results = run_axe(page, axe_script)
        blocking = [rule for rule in results["violations"] if rule["impact"] in BLOCKING]
        if blocking:
            found[name] = blocking
        if "color-contrast" in results["passes"]:
            contrast_checked.append(name)

    for name, (path, status) in site.pages.items():
        response = page.goto(path)
        assert response.status == status, name
        check(name)

    # The comment form refused (email missing), then accepted and held, then opened under a
    # comment to reply.
    page.goto(site.article.get_absolute_url())
    page.fill("#id_author_name", "Carla Neri")
    page.fill("#id_body", "Un commento senza email.")
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()
    assert page.get_attribute("#id_author_email", "aria-invalid") == "true"
    check("article-form-error")
    page.fill("#id_author_email", "carla.neri@example.it")
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".comment-pending .comment-awaiting").is_visible()
    check("article-own-pending-comment")
    # The new thread went to the last comment page; the deep thread is on the first.
    page.goto(site.article.get_absolute_url())
    page.click(f"#comment-{site.thread[0].pk} > .comment-body .comment-reply-link")
    check("article-replying")

    # The newsletter form refused.
    page.goto(site.pages["newsletter-signup"][0])
    page.fill("#id_newsletter-email", "non-un-indirizzo")
    page.click("#newsletter button[type=submit]")
    page.wait_for_load_state()
    check("newsletter-signup-error")

    assert not found, "axe found serious or critical problems:\n" + readable(found)
    # The contrast rule really ran (it passes only where it found text to check).
    assert len(contrast_checked) == len(site.pages) + 4


def test_comment_form_works_with_the_keyboard_alone(page, live_server):
    article = make_article()
    # From the "Leave a comment" anchor, Tab walks the form in reading order.
    page.goto(article.get_absolute_url() + "#respond")
    steps = [
        ("id_author_name", "Lia Keyboard"),
        ("id_author_email", "lia@example.it"),
        ("id_author_url", None),
        ("id_body", "Scritto e inviato senza mouse."),
        ("id_remember", None),
        ("id_notify_on_reply", "Space"),
    ]
    for expected, action in steps:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == expected
        if action == "Space":
            page.keyboard.press("Space")
        elif action:
            page.keyboard.type(action)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    comment = Comment.objects.get(body="Scritto e inviato senza mouse.")
    assert (comment.author_name, comment.author_email) == ("Lia Keyboard", "lia@example.it")
    assert comment.notify_on_reply  # Space ticked the box
    assert page.url.endswith(f"#comment-{comment.pk}")


def test_reply_by_keyboard_moves_focus_into_the_form_under_the_comment(page, live_server):
    article = make_article()
    parent = make_comment(article, author_name="Bianca")
    page.goto(article.get_absolute_url())
    page.focus(f"#comment-{parent.pk} .comment-reply-link")
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "id_author_name"
    assert page.evaluate(f"document.activeElement.closest('#comment-{parent.pk}') !== null"), (
        "the form the focus moved to is not the one under the comment"
    )
    # The form is named by its heading, which says whom it answers: screen readers announce
    # "Rispondi a Bianca" as the focus enters it.
    assert page.get_by_role("form", name="Rispondi a Bianca").is_visible()


def test_thread_nesting_is_in_the_accessibility_tree(page, live_server):
    article = make_article()
    root = make_comment(article, author_name="Bianca")
    child = make_comment(article, parent=root, author_name="Carlo")
    make_comment(article, parent=child, author_name="Dario")
    make_comment(article, parent=root, author_name="Elena")
    make_comment(article, author_name="Franco")
    page.goto(article.get_absolute_url())

    # Lists within list items: screen readers announce the level and the count of replies.
    # Each comment is an article named after its author.
    snapshot = page.locator("#comments .comment-list").aria_snapshot()
    outline = [
        line.split(":")[0]
        for line in snapshot.splitlines()
        if line.lstrip().startswith(("- list", "- listitem", '- article "'))
    ]
    assert outline == [
        "- list",
        "  - listitem",
        '    - article "Bianca"',
        "    - list",
        "      - listitem",
        '        - article "Carlo"',
        "        - list",
        "          - listitem",
        '            - article "Dario"',
        "      - listitem",
        '        - article "Elena"',
        "  - listitem",
        '    - article "Franco"',
    ], snapshot
