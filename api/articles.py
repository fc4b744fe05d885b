"""Articles, their discussion, and the taxonomies: what the public sees, through the one
visibility rule (Article.objects.published()); anything else is a 404, by list or by id."""

from typing import Annotated, Literal

from annotated_types import Ge
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator, StringConstraints

from api import conditional, conf, cursors, discussions, present
from api.schemas import (
    ArticleDetail,
    ArticleList,
    AuthorOut,
    CategoryOut,
    CommentPageOut,
    Problem,
    TagOut,
)
from blog import search
from blog.models import Article, Author, Category, Tag, visible_condition

router = Router()
NOT_FOUND = {400: Problem, 404: Problem}  # 400: a parameter the API cannot read


def _digits_only(value):
    """A whole number written as one: pydantic would also take "2.0" for 2."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("not a whole number")
    return value


# The bound first: after a BeforeValidator pydantic writes it as "ge", which no schema reads.
WholeNumber = Annotated[int, Ge(1), BeforeValidator(_digits_only)]


# What the site reads in a query string (config.security refuses a NUL byte anywhere in one).
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]*$")]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
Cursor = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_:.]*$")]
Order = Literal[tuple(discussions.ORDERS)]


class ArticleFilters(Schema):
    category: Slug | None = None
    tag: Slug | None = None
    author: Slug | None = None
    search: Text | None = Field(None, description="Words to find, as the site's search reads them.")
    cursor: Cursor | None = Field(None, description="From `next_cursor` of the previous page.")
    limit: WholeNumber | None = Field(
        None,
        description="Articles per page (the site's setting by default, capped at its maximum).",
    )


def _published():
    return (
        Article.objects.published()
        .select_related("author", "category")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )


def _filtered(filters: ArticleFilters):
    articles = _published().order_by("-publish_at", "-pk")
    if filters.category:
        articles = articles.filter(category__slug=filters.category)
    if filters.tag:
        articles = articles.filter(tags__slug=filters.tag)
    if filters.author:
        articles = articles.filter(author__slug=filters.author)
    return articles


def _limit(filters: ArticleFilters) -> int:
    size = filters.limit or conf.get("API_PAGE_SIZE")
    return max(1, min(size, conf.get("API_MAX_PAGE_SIZE")))


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def _search_page(articles, query: str, cursor: dict, limit: int):
    offset = cursors.offset_of(cursor)
    found = list(search.search_articles(articles, query)[offset : offset + limit + 1])
    more = len(found) > limit and offset + limit < search.COUNT_CAP
    page = found[:limit]
    search.add_headlines(page, query)
    for article in page:
        article.search_snippet = str(search.snippet(article, query))
    return page, cursors.encode(offset=offset + limit) if more else None


def _listing_page(articles, cursor: dict, limit: int):
    found = list(cursors.after(articles, cursor)[: limit + 1])
    page = found[:limit]
    return page, cursors.keyset_next(page[-1]) if len(found) > limit else None


LIST_PARAMS = ("category", "tag", "author", "search", "cursor", "limit")


def _list(request: HttpRequest, filters: ArticleFilters) -> dict:
    cursor = cursors.decode(filters.cursor)
    articles, limit = _filtered(filters), _limit(filters)
    query, _shortened = search.clean_query(filters.search)
    if query:
        page, next_cursor = _search_page(articles, query, cursor, limit)
    else:
        page, next_cursor = _listing_page(articles, cursor, limit)
    results = []
    for article in page:
        item = present.article_summary(request, article)
        item["snippet"] = getattr(article, "search_snippet", None)
        results.append(item)
    return {"results": results, "next": _next_url(request, next_cursor), "next_cursor": next_cursor}


@router.get(
    "/articles/",
    response={200: ArticleList, **NOT_FOUND},
    summary="Published articles, newest first",
)
def article_list(request: HttpRequest, response: HttpResponse, filters: Query[ArticleFilters]):
    """Filter by category, tag or author slug, or search (ranked as the site's search);
    follow `next` for the following page."""
    return conditional.answer(
        request,
        response,
        validators=conditional.for_content,
        build=lambda: _list(request, filters),
        schema=ArticleList,
        params=LIST_PARAMS,
    )


def _published_article(**lookup) -> Article:
    return get_object_or_404(_published(), **lookup)


def _detail(request: HttpRequest, response: HttpResponse, **lookup):
    def build():
        article = _published_article(**lookup)
        comments_url = request.build_absolute_uri(
            reverse("api:article_comments", kwargs={"article_id": article.pk})
        )
        return present.article_detail(request, article, comments_url=comments_url)

    return conditional.answer(
        request,
        response,
        validators=lambda: conditional.for_content(tuple(sorted(lookup.items()))),
        build=build,
        schema=ArticleDetail,
    )


@router.get("/articles/{int:article_id}/", response={200: ArticleDetail, **NOT_FOUND})
def article_detail(request: HttpRequest, response: HttpResponse, article_id: int):
    """One published article: the rendered body, its images, cover, corrections, SEO."""
    return _detail(request, response, pk=article_id)


@router.get("/articles/slug/{slug}/", response={200: ArticleDetail, **NOT_FOUND})
def article_by_slug(request: HttpRequest, response: HttpResponse, slug: str):
    """The same, found by its slug."""
    return _detail(request, response, slug=slug)


@router.get(
    "/articles/{int:article_id}/comments/",
    response={200: CommentPageOut, **NOT_FOUND},
    url_name="article_comments",
)
def article_comments(
    request: HttpRequest,
    response: HttpResponse,
    article_id: int,
    page: WholeNumber | None = None,
    order: Order | None = None,
):
    """A page of the article's discussion, in the site's pages and orders: whole threads,
    badges, edited marks, placeholders where a comment was removed."""
    shown = {}

    def validators():
        # Open or closed (by age, or by the comment hours until they reopen) is part of the
        # answer, and a kept answer retires when that changes by itself.
        article = get_object_or_404(
            Article.objects.published().only(*discussions.ARTICLE_FIELDS), pk=article_id
        )
        shown.update(article=article, state=discussions.state_of(article))
        found = conditional.for_versions(
            discussions.version_names(article_id), page, order, *map(str, shown["state"])
        )
        found.fresh_until = discussions.changes_by_itself(article)
        return found

    def build():
        return discussions.discussion_page(
            shown["article"], number=page, order=order, state=shown["state"]
        )

    return conditional.answer(
        request,
        response,
        validators=validators,
        build=build,
        schema=CommentPageOut,
        params=("page", "order"),
    )


def _taxonomy(request: HttpRequest, response: HttpResponse, queryset, presenter, schema):
    return conditional.answer(
        request,
        response,
        validators=conditional.for_content,
        build=lambda: [presenter(request, item) for item in queryset],
        schema=schema,
    )


@router.get("/categories/", response={200: list[CategoryOut], 400: Problem})
def category_list(request: HttpRequest, response: HttpResponse):
    categories = Category.objects.order_by("name", "pk")
    return _taxonomy(request, response, categories, present.category, list[CategoryOut])


@router.get("/tags/", response={200: list[TagOut], 400: Problem})
def tag_list(request: HttpRequest, response: HttpResponse):
    """Tags of at least one published article."""
    used = Exists(Article.objects.published().filter(tags=OuterRef("pk")))
    tags = Tag.objects.filter(used).order_by("name")
    return _taxonomy(request, response, tags, present.tag, list[TagOut])


@router.get("/authors/", response={200: list[AuthorOut], 400: Problem})
def author_list(request: HttpRequest, response: HttpResponse):
    """Authors of at least one published article."""
    wrote = Exists(Article.objects.filter(Q(author=OuterRef("pk")) & visible_condition()))
    authors = Author.objects.filter(wrote).order_by("display_name", "pk")
    return _taxonomy(request, response, authors, present.author, list[AuthorOut])
