from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("WordPress import")

    def ready(self):
        from django.core import checks

        from wordpress import job_files, tasks  # noqa: F401 (tasks: its worker_started receiver)

        checks.register(job_files.check_moving_root)
