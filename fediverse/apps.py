from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    """The magazine and its authors on the social web (ActivityPub): actors, inboxes, delivery
    of articles to followers, replies from the fediverse as held comments."""

    name = "fediverse"
    verbose_name = _("Fediverse")

    def ready(self):
        from blog import admin_panels
        from fediverse import article_panel, inbox_tasks, publishing, signals, tasks  # noqa: F401

        admin_panels.register_article_panel("fediverse", article_panel.article_figures)
