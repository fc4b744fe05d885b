"""Models as the JSON the API answers: public fields only, addresses absolute."""

from django.http import HttpRequest

from blog import seo
from blog.models import Article, Author, Category, Tag
from media import pipeline, render
from media.models import Image


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def renditions(request: HttpRequest, field_file, width: int | None) -> list[dict]:
    url = field_file.storage.url
    return [
        {"url": _absolute(request, url(pipeline.rendition_name(field_file.name, w))), "width": w}
        for w in pipeline.rendition_widths(width)
    ]


def category(request: HttpRequest, item: Category | None) -> dict | None:
    if item is None:
        return None
    return {
        "id": item.pk,
        "name": item.name,
        "slug": item.slug,
        "description": item.description,
        "parent": item.parent_id,
        "url": _absolute(request, item.get_absolute_url()),
    }


def tag(request: HttpRequest, item: Tag) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "slug": item.slug,
        "url": _absolute(request, item.get_absolute_url()),
    }


def author(request: HttpRequest, item: Author) -> dict:
    return {
        "id": item.pk,
        "name": item.display_name,
        "slug": item.slug,
        "bio": item.bio,
        "website": item.website or None,
        "avatar": _absolute(request, item.avatar.url) if item.avatar else None,
        "url": _absolute(request, item.get_absolute_url()),
    }


def cover(request: HttpRequest, article: Article) -> dict | None:
    if not article.cover:
        return None
    return {
        "url": _absolute(request, article.cover.url),
        "width": article.cover_width,
        "height": article.cover_height,
        "alt": article.cover_alt,
        "caption": article.cover_caption,
        "renditions": renditions(request, article.cover, article.cover_width),
    }


def article_summary(request: HttpRequest, article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "url": _absolute(request, article.get_absolute_url()),
        "lead": article.lead,
        "summary": seo.article_summary(article),
        "published": article.publish_at,
        "updated": seo.last_modified(article),
        "author": author(request, article.author),
        "category": category(request, article.category),
        "tags": [tag(request, item) for item in article.tags.all()],
        "cover": cover(request, article),
    }


def image(request: HttpRequest, item: Image) -> dict:
    return {
        "id": item.pk,
        "url": _absolute(request, item.file.url),
        "width": item.width,
        "height": item.height,
        "alt": item.alt_text,
        "caption": item.caption,
        "credit": item.credit,
        "renditions": renditions(request, item.file, item.width),
    }


def article_detail(request: HttpRequest, article: Article, *, comments_url: str) -> dict:
    ids = render.referenced_ids(article.body)
    images = Image.objects.in_bulk(ids) if ids else {}
    return {
        **article_summary(request, article),
        "body_html": render.render_body(article.body),
        "media": [image(request, images[pk]) for pk in sorted(images)],
        "corrections": [
            {
                "id": item.pk,
                "kind": item.kind,
                "kind_label": item.get_kind_display(),
                "text": item.text,
                "created": item.created,
            }
            for item in article.correction_list
        ],
        "seo": {
            "title": article.seo_title or article.title,
            "description": seo.article_description(article),
            "canonical_url": _absolute(request, article.get_absolute_url()),
        },
        "comments_enabled": article.comments_enabled,
        "comments": comments_url,
    }
