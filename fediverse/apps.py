from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    """The magazine and its authors on the social web (ActivityPub): actors, inboxes, delivery
    of articles to followers, replies from the fediverse as held comments."""

    name = "fediverse"
    verbose_name = _("Fediverse")

    def ready(self):
        from blog import admin_panels, article_page, author_page
        from core import privacy
        from fediverse import (  # noqa: F401 - checks and receivers register themselves
            article_panel,
            checks,
            inbox_tasks,
            publishing,
            reader_pages,
            signals,
            tasks,
        )

        admin_panels.register_article_panel("fediverse", article_panel.article_figures)
        article_page.register(reader_pages.ARTICLE_EXTENSION)
        author_page.register(reader_pages.AUTHOR_EXTENSION)
        privacy.register_notice("fediverse", reader_pages.privacy_notice)
