"""An issue composed in the admin in a real browser: the intro's rich-text editor under the
policy, the articles pre-filled, and the HTML preview styled as it will arrive."""

import pytest

from newsletter.models import Issue
from tests.e2e.conftest import log_in
from tests.factories import make_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_compose_save_and_preview_an_issue(editor_page):
    page = editor_page
    make_article(title="Primo della settimana")
    make_article(title="Secondo della settimana")
    log_in(page, next_path="/admin/newsletter/issue/add/")

    editor = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()
    page.keyboard.type("Buongiorno dalla redazione.")
    page.fill("#id_subject", "Il numero del lunedì")
    page.fill("#id_slug", "numero-lunedi")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/newsletter/issue/")

    issue = Issue.objects.get()
    assert "Buongiorno dalla redazione." in issue.intro
    assert [item.article.title for item in issue.items.order_by("position")] == [
        "Primo della settimana",
        "Secondo della settimana",
    ]
    assert page.evaluate("window.__cspViolations") == []

    page.goto(f"/admin/newsletter/issue/{issue.pk}/preview/html/")
    masthead = page.locator("td.masthead")
    assert masthead.evaluate("node => getComputedStyle(node).borderBottomStyle") == "solid"
    assert page.get_by_text("Secondo della settimana").first.is_visible()
    assert page.evaluate("window.__cspViolations") == []
