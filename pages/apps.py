from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        _connect_signals()
        _register_with_blog()


def _connect_signals():
    from django.db.models.signals import post_delete, post_save

    from blog import content_version, media_uses
    from blog.models import Author, Category, Tag
    from pages import navigation
    from pages.models import Menu, MenuItem, Page

    def both(receiver, model, uid):
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "_delete")

    # The uids are the ones these receivers had while the models lived in blog.
    for model in (Page, Menu, MenuItem):
        both(content_version.content_changed, model, f"blog_content_{model.__name__}")
    post_save.connect(media_uses.body_saved, sender=Page, dispatch_uid="blog_media_uses_Page_save")
    post_delete.connect(
        media_uses.body_deleted, sender=Page, dispatch_uid="blog_media_uses_Page_delete"
    )
    # A category, tag or author shown in a menu changes the menus.
    for model in (Page, Menu, MenuItem, Category, Tag, Author):
        both(navigation.rebuild, model, f"blog_navigation_{model.__name__}")


def _register_with_blog():
    from blog import revisions, search, site_row, sitemaps
    from pages import views
    from pages.models import SiteNavigation
    from pages.sitemaps import PageSitemap

    revisions.register_snapshot_fields(
        "pages.page", ("title", "slug", "parent", "body", "status", "seo_title", "seo_description")
    )
    search.register_other_results("pages", views.search_pages)
    sitemaps.register_section("pages", PageSitemap)
    site_row.register(
        site_row.SiteRow(
            name="site_navigation",
            rows=lambda: SiteNavigation.objects.filter(pk=1),
            field="data",
        )
    )
