from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    """The magazine and its authors on the social web (ActivityPub): actors, inboxes, delivery
    of articles to followers, replies from the fediverse as held comments."""

    name = "fediverse"
    verbose_name = _("Fediverse")

    def ready(self):
        from blog import admin_panels
        from fediverse import (  # noqa: F401 - checks and receivers register themselves
            article_panel,
            checks,
            inbox_tasks,
            publishing,
            signals,
            tasks,
        )

        admin_panels.register_article_panel("fediverse", article_panel.article_figures)
