from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares and that knows no domain. Imports no other app of ours."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the email task and its worker_started receiver.
        from core import privacy, tasks  # noqa: F401
        from core.mail_queue import erase_outgoing_email, export_outgoing_email

        # The copies of the emails sent to an address are personal data too.
        privacy.register(
            "emails",
            label=_("Copies of the emails sent to the address"),
            exporter=export_outgoing_email,
            eraser=erase_outgoing_email,
            export_permission="core.view_outgoingemail",
            erase_permission="core.delete_outgoingemail",
        )
