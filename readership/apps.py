from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadershipConfig(AppConfig):
    """First-party readership figures: a beacon that counts in the shared cache, a worker that
    folds the counts into daily rows, and the editors' dashboard."""

    name = "readership"
    verbose_name = _("Readership")

    def ready(self):
        from blog import admin_panels
        from core import frame
        from readership import article_panel, beacon, staff, tasks  # noqa: F401 - receivers, task

        frame.register_script("readership", beacon.frame_script)
        admin_panels.register_article_panel("readership", article_panel.article_figures)
