"""Layouts a page may use, like WordPress's page templates.

Another app adds its own from its AppConfig.ready() with register_page_template() (the contact
app adds the page with the contact form under the text); a page whose layout is gone falls back
to the standard one.
"""

from django.utils.translation import gettext_lazy as _

DEFAULT_TEMPLATE = "pages/page_detail.html"

_page_templates: dict[str, object] = {}


def register_page_template(template_name: str, label) -> None:
    _page_templates[template_name] = label


def page_template_choices() -> list[tuple[str, object]]:
    return [("", _("Standard page")), *_page_templates.items()]


def is_registered(template_name: str) -> bool:
    return template_name in _page_templates


def template_names(chosen: str) -> list[str]:
    """The templates to try for a page with layout `chosen`, the standard one last."""
    return [chosen, DEFAULT_TEMPLATE] if is_registered(chosen) else [DEFAULT_TEMPLATE]
