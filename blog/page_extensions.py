"""What other apps add to a blog page (an article's, an author's), by name, without blog knowing
them: blog.article_page and blog.author_page each keep one `Extensions`."""

from collections.abc import Mapping
from typing import Any, Protocol


class Extension(Protocol):
    name: str
    # One-value subqueries (name: expression) the page's one query carries for the extension.
    annotations: Any


class Extensions[E: Extension]:
    def __init__(self) -> None:
        self._by_name: dict[str, E] = {}

    def register(self, extension: E) -> None:
        """Add (or replace, so a reloaded app does not register twice) an extension."""
        self._by_name[extension.name] = extension

    def all(self) -> list[E]:
        return list(self._by_name.values())

    def annotations(self) -> Mapping[str, Any]:
        """What the extensions ask the page's query to carry."""
        return {
            name: expression
            for extension in self.all()
            if extension.annotations is not None
            for name, expression in extension.annotations().items()
        }
