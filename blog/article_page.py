"""The article page, and the one extension point through which other apps add to it.

blog knows nothing of the apps above it. An app that puts something on the article page (the
comments app: its section, what its section adds to the ETag, its feed) registers an
ArticlePageExtension from its AppConfig.ready():

    from blog import article_page

    article_page.register(article_page.ArticlePageExtension(name="comments", section=..., ...))

The article template renders every registered section with `{% article_sections article %}`
(blog_tags); the article view asks the extensions whether the page holds something for this
visitor alone and what else its validators depend on; the article's comment feed asks them for
its items. With nothing registered the page simply has no such parts.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from blog.models import Article
from blog.page_extensions import Extensions
from core import splice


class FeedItem(Protocol):
    """What the article's comment feed reads from each item."""

    display_name: str
    body_html: str  # sanitized when stored
    created: Any
    # Optional: a short mark the feed shows in the item's title and as its category (the
    # comments app marks its editors' picks).
    feed_mark: str

    def get_absolute_url(self) -> str: ...


@dataclass(frozen=True)
class ArticlePageExtension:
    name: str
    # HTML of the extension's section, rendered in the page's template context.
    section: Callable[[Any, Article], str]
    # Whether the page shows something for this visitor alone (their pending comment, a
    # prefilled form); `extra_context` is what the view renders the page with.
    is_personal: Callable[[HttpRequest, Article, Mapping[str, Any]], bool]
    # What else changes what an anonymous reader sees (part of the ETag), and when it last did.
    etag_parts: Callable[[Article], tuple]
    last_changed: Callable[[Article], float | None]
    # The newest items of the article's feed (<article url>feed/), at most `limit`.
    feed_items: Callable[[Article, int], list[FeedItem]] | None = None
    # A query string the page's canonical address keeps (a comment page: "?pagina=3"), or "".
    canonical_query: Callable[[HttpRequest, Article], str] | None = None
    # For the page kept whole for anonymous readers (core.page_cache): the query parameters
    # the extension reads (other addresses are not kept), the versions (core.versions names)
    # whose move retires the page, and when its part changes by itself (a timestamp, or None).
    page_params: tuple[str, ...] = ()
    cache_versions: Callable[[Article], tuple[str, ...]] | None = None
    fresh_until: Callable[[Article], float | None] | None = None
    # One-value subqueries (name: expression) the article page's one query carries, so that
    # a section needing a row of its own costs no query: it reads them from the article (an
    # article read elsewhere, e.g. again after a refused comment, does not carry them).
    annotations: Callable[[], Mapping[str, Any]] | None = None
    # Markup for the page's <head> (links to other forms of the article), the same for every
    # visitor: `{% article_head article %}`.
    head: Callable[[Any, Article], str] | None = None


_extensions: Extensions[ArticlePageExtension] = Extensions()
register = _extensions.register
extensions = _extensions.all
# What the extensions ask the article page's query to carry (see ArticlePageExtension).
annotations = _extensions.annotations


def is_personal(request: HttpRequest, article: Article, extra_context: Mapping[str, Any]) -> bool:
    return any(ext.is_personal(request, article, extra_context) for ext in extensions())


def etag_parts(article: Article) -> tuple:
    return tuple(part for ext in extensions() for part in ext.etag_parts(article))


def last_changed(article: Article) -> tuple[float | None, ...]:
    return tuple(ext.last_changed(article) for ext in extensions())


def page_params() -> tuple[str, ...]:
    return tuple(param for ext in extensions() for param in ext.page_params)


def cache_versions(article: Article) -> tuple[str, ...]:
    return tuple(
        name
        for ext in extensions()
        if ext.cache_versions is not None
        for name in ext.cache_versions(article)
    )


def fresh_until(article: Article) -> tuple[float | None, ...]:
    return tuple(ext.fresh_until(article) for ext in extensions() if ext.fresh_until is not None)


def canonical_query(request: HttpRequest, article: Article) -> str:
    """The first query string an extension keeps in the canonical address ("" for none)."""
    for ext in extensions():
        if ext.canonical_query is not None:
            query = ext.canonical_query(request, article)
            if query:
                return query
    return ""


def feed_items(article: Article, limit: int) -> list[FeedItem]:
    items = [
        item
        for ext in extensions()
        if ext.feed_items is not None
        for item in ext.feed_items(article, limit)
    ]
    return sorted(items, key=lambda item: item.created, reverse=True)[:limit]


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    preview: bool = False,
    status: int = 200,
    personal: bool | None = None,
    **extra_context,
) -> HttpResponse:
    """The article page. The comments app renders it again with a bound form after a refusal.

    `personal` is what the caller already asked the extensions (None: ask them here). A page
    holding something for this visitor alone is never kept by a shared cache.
    """
    if personal is None:
        personal = not preview and is_personal(request, article, extra_context)
    # A section's long markup (a discussion's threads) joins the page as bytes (core.splice).
    response = splice.spliced(
        lambda: render(
            request,
            "blog/article_detail.html",
            {"article": article, "preview": preview, **extra_context},
            status=status,
        )
    )
    if personal:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    return response
