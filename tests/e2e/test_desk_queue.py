"""The moderators' queue one comment at a time, in Chromium, with the keyboard alone (issue 24,
item 6): twenty comments moderated without the mouse, and what happened said in the live
region screen readers hear."""

import pytest

from comments.models import Comment, ModerationAction, Suspension
from tests.e2e.conftest import PASSWORD, RECORD_VIOLATIONS
from tests.factories import make_article, make_comment, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MODERATOR = "moderatrice"
DESK = "/admin/comments/comment/desk/"
# Every text the live region holds once the page is ready, in order (a region's first content
# is not announced: the script empties it and says it again).
RECORD_SAID = """
window.__said = [];
document.addEventListener("DOMContentLoaded", () => {
    const region = document.getElementById("desk-queue-status");
    if (!region) { return; }
    new MutationObserver(() => {
        const text = region.textContent.trim();
        if (text) { window.__said.push(text); }
    }).observe(region, {childList: true, subtree: true, characterData: true});
});
"""


@pytest.fixture
def desk(page, editorial_groups):
    """A moderator's page on the queue, logged in with the keyboard alone."""
    make_user(username=MODERATOR, password=PASSWORD, groups=["Moderators"])
    page.add_init_script(RECORD_VIOLATIONS)
    page.add_init_script(RECORD_SAID)
    page.goto(f"/admin/login/?next={DESK}")
    page.focus("#id_username")
    page.keyboard.type(MODERATOR)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**{DESK}")
    return page


def press(page, key: str) -> None:
    """A key that sends the page somewhere: wait until the next page is ready."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("domcontentloaded")


def shown_id(page) -> int:
    return int(page.input_value("#desk-actions input[name=comment]"))


def test_twenty_comments_moderated_with_the_keyboard_alone(desk):
    article = make_article()
    comments = [
        make_comment(article, status="pending", body=f"Commento in coda {n}.") for n in range(20)
    ]
    desk.reload()
    keys = ["a", "r", "s", "p"] * 5
    expected = {
        "a": Comment.Status.APPROVED,
        "r": Comment.Status.REJECTED,
        "s": Comment.Status.SPAM,
        "p": Comment.Status.APPROVED,
    }

    for comment, key in zip(comments, keys, strict=True):
        assert shown_id(desk) == comment.pk  # oldest first, one at a time
        press(desk, key)

    assert desk.locator(".desk-queue-empty").is_visible()
    statuses = dict(Comment.objects.values_list("pk", "status"))
    for comment, key in zip(comments, keys, strict=True):
        assert statuses[comment.pk] == expected[key]
    picked = set(Comment.objects.filter(picked_at__isnull=False).values_list("pk", flat=True))
    assert picked == {c.pk for c, key in zip(comments, keys, strict=True) if key == "p"}
    assert ModerationAction.objects.filter(moderator__username=MODERATOR).count() == 25
    assert desk.evaluate("window.__cspViolations") == []


def test_the_live_region_announces_what_was_done(desk):
    article = make_article()
    first, second = (make_comment(article, status="pending") for _ in range(2))
    desk.reload()

    press(desk, "a")

    region = desk.locator("#desk-queue-status")
    assert region.get_attribute("role") == "status"
    said = f"Commento {first.pk} approvato."
    desk.wait_for_function(
        "said => window.__said.includes(said)", arg=said
    )  # said again after the page arrived, so screen readers hear it
    assert region.inner_text().strip() == said
    assert shown_id(desk) == second.pk


def test_previous_undo_and_suspend_with_the_keyboard(desk):
    article = make_article()
    first, second, third = (
        make_comment(article, status="pending", author_email=f"l{n}@example.org") for n in range(3)
    )
    desk.reload()

    press(desk, "s")  # spam the first
    assert shown_id(desk) == second.pk
    press(desk, "k")  # back to it
    assert shown_id(desk) == first.pk
    press(desk, "z")  # undo: held again, logged
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.PENDING
    assert ModerationAction.objects.filter(comment=first).first().note
    desk.wait_for_function("() => window.__said.some(text => text.includes('Annullato'))")

    # Suspend: B takes the focus to the reason (and says so); Enter sends it.
    desk.keyboard.press("b")
    assert desk.evaluate("document.activeElement.id") == "id_suspend-reason"
    desk.wait_for_function("() => window.__said.some(text => text.includes('Invio'))")
    desk.keyboard.type("Insulti ad altri lettori")
    press(desk, "Enter")
    suspension = Suspension.objects.get()
    assert suspension.commenter == Comment.objects.get(pk=first.pk).commenter
    assert suspension.reason == "Insulti ad altri lettori"
    # Their held comments went to spam (the form's default), and the queue moved on.
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.SPAM
    assert shown_id(desk) == second.pk

    # J moves on without acting.
    press(desk, "j")
    assert shown_id(desk) == third.pk
    assert Comment.objects.get(pk=second.pk).status == Comment.Status.PENDING


def test_the_queue_works_without_javascript(page_without_js, editorial_groups):
    page = page_without_js
    make_user(username=MODERATOR, password=PASSWORD, groups=["Moderators"])
    article = make_article()
    comment = make_comment(article, status="pending")
    page.goto(f"/admin/login/?next={DESK}")
    page.fill("#id_username", MODERATOR)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"**{DESK}")

    page.click("#desk-actions button[value=approve]")
    page.wait_for_load_state()

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    assert f"Commento {comment.pk} approvato." in page.inner_text("#desk-queue-status")


def test_the_queue_and_the_picks_band_have_no_serious_axe_violations(
    open_page, axe_script, editorial_groups
):
    from comments.services import comment_pick
    from tests.e2e.test_accessibility import BLOCKING, readable, run_axe

    make_user(username=MODERATOR, password=PASSWORD, groups=["Moderators"])
    article = make_article()
    parent = make_comment(article, body="Il commento a cui si risponde.")
    make_comment(article, status="pending", parent=parent)
    comment_pick(comment=parent, moderator=None)
    page = open_page(bypass_csp=True)  # axe is injected as an inline script
    found = {}
    page.goto(article.get_absolute_url())
    assert page.locator(".comment-picks").is_visible()
    found["article-with-picks"] = run_axe(page, axe_script)["violations"]
    page.goto(f"/admin/login/?next={DESK}")
    page.fill("#id_username", MODERATOR)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"**{DESK}")
    assert page.locator("#desk-actions").is_visible()
    found["desk-queue"] = run_axe(page, axe_script)["violations"]

    found = {
        name: [rule for rule in violations if rule["impact"] in BLOCKING]
        for name, violations in found.items()
    }
    found = {name: rules for name, rules in found.items() if rules}
    assert not found, "axe found serious or critical problems:\n" + readable(found)
