from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from core import privacy
        from newsletter import tasks  # noqa: F401 (its worker_started receiver)
        from newsletter.privacy import erase_subscription, export_subscription

        privacy.register(
            "newsletter",
            label=_("Newsletter subscription"),
            exporter=export_subscription,
            eraser=erase_subscription,
            export_permission="newsletter.view_subscriber",
            erase_permission="newsletter.delete_subscriber",
        )
