from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("WordPress import")

    def ready(self):
        from wordpress import tasks  # noqa: F401 (its worker_started receiver)
