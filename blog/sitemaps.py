"""sitemap.xml: an index of sections (the home page, published articles in chunks of
ARTICLES_PER_SECTION, and the categories, tags and authors that have any published article).

No section holds more than 50,000 URLs (the protocol's limit): articles come in pages of
ARTICLES_PER_SECTION, the archives in pages of the default 50,000. Each document is rendered once
per content version (blog.cache, bumped by any change) and newest publication time (a scheduled
article going live changes the sitemap without a save), per host and scheme, and then served
from the shared cache.

Django's sitemap views take the host and scheme from the request (django.contrib.sites is not
installed, so get_current_site() gives a RequestSite): no Site row to keep in step.
"""

import hashlib
from functools import wraps

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse

from blog import content_version as blog_cache
from blog.models import Article, Author, Category, Tag
from blog.seo import last_modified

ARTICLES_PER_SECTION = 10_000
CACHE_SECONDS = 24 * 3600


def _newest_change(**filters):
    """When the newest change among the published articles matching `filters` went public."""
    return (
        Article.objects.published()
        .filter(**filters)
        .annotate(changed=Greatest("publish_at", "updated"))
        .order_by("-changed")
        .values("changed")[:1]
    )


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = ARTICLES_PER_SECTION

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item; one aggregate does.
        return Article.objects.published().aggregate(newest=Max(Greatest("publish_at", "updated")))[
            "newest"
        ]

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "publish_at", "updated")
            .order_by("-publish_at", "-pk")
        )

    def lastmod(self, article):
        return last_modified(article)


class _ArchiveSitemap(Sitemap):
    """Listing pages of one object each, only while they list a published article."""

    model = None
    field = ""
    changefreq = "daily"

    def items(self):
        return (
            self.model.objects.annotate(
                newest_change=Subquery(_newest_change(**{self.field: OuterRef("pk")}))
            )
            .filter(newest_change__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.newest_change


class CategorySitemap(_ArchiveSitemap):
    model = Category
    field = "category"


class TagSitemap(_ArchiveSitemap):
    model = Tag
    field = "tags"


class AuthorSitemap(_ArchiveSitemap):
    model = Author
    field = "author"


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return (
            Article.objects.published()
            .aggregate(newest=Max(Greatest("publish_at", "updated")))
            .get("newest")
        )


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def register_section(name: str, sitemap: type[Sitemap]) -> None:
    """A section of the sitemap from an app above blog (pages adds "pages"), from its
    AppConfig.ready(): it is listed after blog's own and cached with them."""
    SITEMAPS[name] = sitemap


def _cached(view):
    """Keep the rendered document per content version, newest publication, host, scheme and
    page; the key changes whenever what the document lists can change."""

    @wraps(view)
    def wrapped(request, **kwargs):
        newest = Article.objects.published().aggregate(newest=Max("publish_at"))["newest"]
        key = repr(
            (
                blog_cache.content_version(),
                newest.timestamp() if newest else 0,
                request.scheme,
                request.get_host(),
                request.get_full_path(),
            )
        )
        cache_key = "blog:sitemap:" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        cached = cache.get(cache_key)
        if cached is not None:
            return HttpResponse(cached, content_type="application/xml")
        response = view(request, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            cache.set(cache_key, response.content, CACHE_SECONDS)
        return response

    return wrapped


@_cached
def sitemap_index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")


@_cached
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
