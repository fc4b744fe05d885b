from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares and that knows no domain. Imports no other app of ours."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the email task and its worker_started receiver.
        from core import tasks  # noqa: F401
