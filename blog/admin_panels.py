"""Panels other apps add to an article's page in the admin (e.g. readership's figures).

An app registers a renderer from its `AppConfig.ready()`; the renderer gets the request and the
article and returns markup ("" for nothing: it checks its own permissions). Blog never imports
the apps that fill it.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

ArticlePanel = Callable[[HttpRequest, object], SafeString | str]

_panels: dict[str, ArticlePanel] = {}


def register_article_panel(name: str, render: ArticlePanel) -> None:
    _panels[name] = render


def article_panels(request: HttpRequest, article) -> list[SafeString | str]:
    return [html for html in (render(request, article) for render in _panels.values()) if html]
