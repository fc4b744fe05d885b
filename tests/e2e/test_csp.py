"""The Content-Security-Policy in a real browser: the admin and its rich-text editor still work.

Any violation Chromium reports fails every browser test (tests/e2e/conftest.py); the last test
here proves that Chromium does report one, in the words the conftest listens for.
"""

import pytest

from blog.models import Article
from tests.e2e.conftest import choose_author, log_in
from tests.factories import make_article, make_author

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rich_text_editor_starts_and_saves_under_the_policy(editor_page):
    page = editor_page
    author = make_author(display_name="Giulia Neri")
    log_in(page, next_path="/admin/blog/article/add/")

    # The editor (ProseMirror, loaded through the import map) replaced the textarea.
    editor = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    editor.wait_for()
    # tiptap kept the nonce-carrying <style> it found instead of injecting one of its own, and
    # its base rules still apply (from the static file).
    assert page.locator("style[data-tiptap-style]").count() == 1
    # (Browsers hide a nonce from getAttribute once the element is in the page.)
    assert page.locator("style[data-tiptap-style]").evaluate("node => node.nonce")
    assert editor.evaluate("node => getComputedStyle(node).whiteSpace") in (
        "pre-wrap",
        "break-spaces",
    )

    editor.click()
    page.keyboard.type("Scritto nell'editor.")
    page.fill("#id_title", "Un articolo dal browser")
    choose_author(page, author)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/article/")

    article = Article.objects.get(title="Un articolo dal browser")
    assert "Scritto nell" in article.body
    assert page.evaluate("window.__cspViolations") == []


def test_admin_change_list_and_change_form_raise_no_violation(editor_page):
    page = editor_page
    article = make_article(title="Già pubblicato")
    log_in(page, next_path="/admin/blog/article/")
    assert page.locator("#result_list").count() == 1
    page.goto(f"/admin/blog/article/{article.pk}/change/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").wait_for()
    assert page.evaluate("window.__cspViolations") == []


def test_chromium_reports_a_blocked_inline_script_on_the_console(browser, live_server):
    # Outside the conftest's listener on purpose: here the violation is the point.
    context = browser.new_context(base_url=live_server.url)
    messages = []
    context.on("console", lambda message: messages.append(message.text))
    page = context.new_page()
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.head.append(s); }"
    )
    ran = page.evaluate("window.__ran === true")
    context.close()

    assert not ran
    assert any("Content Security Policy" in text for text in messages), messages
