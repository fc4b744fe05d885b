"""What the API answers, as OpenAPI schemas (pydantic, through django-ninja)."""

from datetime import datetime

from ninja import Schema


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    parent: int | None
    url: str


class TagOut(Schema):
    id: int
    name: str
    slug: str
    url: str


class AuthorOut(Schema):
    id: int
    name: str
    slug: str
    bio: str
    website: str | None
    avatar: str | None
    url: str


class Rendition(Schema):
    url: str
    width: int


class CoverOut(Schema):
    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    renditions: list[Rendition]


class ArticleSummary(Schema):
    id: int
    title: str
    slug: str
    url: str
    lead: str
    summary: str
    published: datetime
    updated: datetime
    author: AuthorOut
    category: CategoryOut | None
    tags: list[TagOut]
    cover: CoverOut | None
    snippet: str | None = None


class ArticleList(Schema):
    results: list[ArticleSummary]
    next: str | None
    next_cursor: str | None


class MediaOut(Schema):
    id: int
    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str
    renditions: list[Rendition]


class CorrectionOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    created: datetime


class SeoOut(Schema):
    title: str
    description: str
    canonical_url: str


class ArticleDetail(ArticleSummary):
    body_html: str
    media: list[MediaOut]
    corrections: list[CorrectionOut]
    seo: SeoOut
    comments_enabled: bool
    comments: str


class CommentAuthor(Schema):
    name: str
    url: str | None
    role: str | None
    badge: str | None


class CommentOut(Schema):
    id: int
    parent: int | None
    level: int
    created: datetime
    removed: bool
    removed_label: str | None = None
    author: CommentAuthor | None = None
    body_html: str | None = None
    edited: bool | None = None
    edited_label: str | None = None


class CommentPageOut(Schema):
    count: int
    threads: int
    page: int
    num_pages: int
    order: str
    default_order: str
    orders: list[str]
    open: bool  # comments may be posted now (the article page's rule)
    reopens_at: datetime | None  # closed by the comment hours: when they reopen
    results: list[CommentOut]


class ParameterError(Schema):
    parameter: str
    reason: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ParameterError] | None = None
