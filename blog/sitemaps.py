"""sitemap.xml: the home page, published articles, and the categories and authors that have any.

Django's sitemap view takes the host and scheme from the request (django.contrib.sites is not
installed, so get_current_site() gives a RequestSite): no Site row to keep in step.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from blog.models import Article, Author, Category, Page
from blog.seo import last_modified


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


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("path", "updated").order_by("path")

    def lastmod(self, page):
        return page.updated


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}
