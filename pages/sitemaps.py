"""The published pages' section of the sitemap (registered in blog.sitemaps by PagesConfig)."""

from django.contrib.sitemaps import Sitemap

from pages.models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("path", "updated").order_by("path")

    def lastmod(self, page):
        return page.updated
