"""What other apps add to an author's page, without blog knowing them.

An app registers an AuthorPageExtension from its AppConfig.ready(); `{% author_sections author %}`
(blog_tags) renders each under the author's box, and the author's one query carries what the
extensions ask of it (`annotations`), so a section costs no query of its own. The fediverse app
shows the author's handle there.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from blog.models import Author
from blog.page_extensions import Extensions


@dataclass(frozen=True)
class AuthorPageExtension:
    name: str
    # HTML of the section, rendered in the page's template context; the same for every visitor
    # (the page is kept whole for anonymous readers and retired by the blog's content version).
    section: Callable[[Any, Author], str]
    # One-value subqueries (name: expression) the author's query carries for the section.
    annotations: Callable[[], Mapping[str, Any]] | None = None


_extensions: Extensions[AuthorPageExtension] = Extensions()
register = _extensions.register
extensions = _extensions.all
annotations = _extensions.annotations
