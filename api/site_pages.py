"""Pages and menus: the one module of the API that reads them (from their own app, `pages`).
Only published pages, by list or by id; the menus as the public pages show them
(pages.navigation: links to drafts already left out)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from api import conditional
from api.articles import Text
from api.schemas import Problem, SeoOut
from blog.search import clean_query
from media import render
from pages import navigation
from pages.models import Page
from pages.views import search_pages

router = Router()


class PageSummary(Schema):
    id: int
    title: str
    slug: str
    path: str
    parent: int | None
    url: str
    updated: datetime


class PageDetail(PageSummary):
    body_html: str
    seo: SeoOut


class MenuChild(Schema):
    text: str
    url: str
    external: bool


class MenuLink(MenuChild):
    children: list[MenuChild]


class PrivacyLink(Schema):
    title: str
    url: str


class Menus(Schema):
    header: list[MenuLink]
    footer: list[MenuLink]
    privacy: PrivacyLink | None


def _summary(request: HttpRequest, page: Page) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "path": page.path,
        "parent": page.parent_id,
        "url": request.build_absolute_uri(page.get_absolute_url()),
        "updated": page.updated,
    }


def _answer(request: HttpRequest, response: HttpResponse, build, schema, *parts, params=()):
    return conditional.answer(
        request,
        response,
        validators=lambda: conditional.for_content(*parts),
        build=build,
        schema=schema,
        params=params,
    )


@router.get("/pages/", response={200: list[PageSummary], 400: Problem})
def page_list(request: HttpRequest, response: HttpResponse, search: Text | None = None):
    """Published pages, in the order of their addresses; with `search`, the pages the site's
    search shows above the articles."""

    def build():
        query, _shortened = clean_query(search)
        pages = search_pages(query) if query else Page.objects.published().order_by("path")
        return [_summary(request, page) for page in pages]

    return _answer(request, response, build, list[PageSummary], params=("search",))


@router.get("/pages/{int:page_id}/", response={200: PageDetail, 400: Problem, 404: Problem})
def page_detail(request: HttpRequest, response: HttpResponse, page_id: int):
    def build():
        page = get_object_or_404(Page.objects.published(), pk=page_id)
        return {
            **_summary(request, page),
            "body_html": render.render_body(page.body),
            "seo": {
                "title": page.seo_title or page.title,
                "description": page.seo_description,
                "canonical_url": request.build_absolute_uri(page.get_absolute_url()),
            },
        }

    return _answer(request, response, build, PageDetail, page_id)


def _link(request: HttpRequest, entry: dict) -> dict:
    href = entry["href"]
    return {
        "text": entry["text"],
        "url": href if entry["external"] else request.build_absolute_uri(href),
        "external": entry["external"],
        "children": [_link(request, child) for child in entry.get("children", ())],
    }


@router.get("/menus/", response={200: Menus, 400: Problem})
def menus(request: HttpRequest, response: HttpResponse):
    """The header and footer menus and the privacy page, as the site shows them."""

    def build():
        data = navigation.current(request)
        privacy = data.get("privacy")
        return {
            "header": [_link(request, entry) for entry in data.get("header", [])],
            "footer": [_link(request, entry) for entry in data.get("footer", [])],
            "privacy": {
                "title": privacy["title"],
                "url": request.build_absolute_uri(privacy["url"]),
            }
            if privacy
            else None,
        }

    return _answer(request, response, build, Menus)
