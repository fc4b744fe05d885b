from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = _("Contact")

    def ready(self):
        from contact.privacy import erase_messages, export_messages
        from core import privacy
        from pages.layouts import register_page_template

        privacy.register(
            "contact_messages",
            label=_("Contact messages"),
            exporter=export_messages,
            eraser=erase_messages,
            export_permission="contact.view_contactmessage",
            erase_permission="contact.delete_contactmessage",
        )
        register_page_template("contact/page.html", _("Contact form under the text"))
