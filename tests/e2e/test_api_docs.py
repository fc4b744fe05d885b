"""The API's docs (Swagger UI from django-ninja's static files) start under the site's CSP."""

import pytest

from tests.factories import make_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_every_operation_with_no_violation(open_page):
    make_article()
    page = open_page()
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto("/api/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/articles/").first.wait_for()
    assert page.locator(".opblock").count() >= 7
    assert page.evaluate("window.__cspViolations") == []
