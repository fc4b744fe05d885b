"""What other apps add to the frame of every public page (base.html): small scripts of ours.

An app registers a renderer from its `AppConfig.ready()`; `{% frame_scripts %}` in base.html
joins what each renderer returns for the page's template context. A renderer must return the
same markup for every visitor of a page (pages are kept whole for anonymous readers, see
core.page_cache): it reads what the page shows (the article, the listing), never the request's
user, session or cookies, and writes no inline script (the CSP allows scripts from our origin
only). It returns "" where it has nothing to add (a preview, an error page).
"""

from collections.abc import Callable

from django.template import Context
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

FrameRenderer = Callable[[Context], SafeString | str]

_renderers: dict[str, FrameRenderer] = {}


def register_script(name: str, renderer: FrameRenderer) -> None:
    """Add `renderer`'s markup to every page built on base.html; registering a name again
    replaces it (ready() may run more than once in tests)."""
    _renderers[name] = renderer


def render_scripts(context: Context) -> SafeString:
    parts = [renderer(context) for renderer in _renderers.values()]
    return format_html_join("\n", "{}", ((mark_safe(part),) for part in parts if part))  # noqa: S308 - renderers return escaped template output
