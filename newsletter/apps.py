from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from comments import privacy
        from core.mail_queue import erase_outgoing_email, export_outgoing_email
        from newsletter import tasks  # noqa: F401 (its worker_started receiver)
        from newsletter.privacy import erase_subscription, export_subscription

        privacy.register("newsletter", exporter=export_subscription, eraser=erase_subscription)
        # The copies of the emails sent to an address (core's mail queue). Registered here until
        # the registry lives in core, which cannot import comments.
        privacy.register("emails", exporter=export_outgoing_email, eraser=erase_outgoing_email)
