from django import forms
from django.utils.translation import gettext_lazy as _

from contact import conf
from core.botcheck import BotCheckedForm

TIMESTAMP_SALT = "contact.form-timestamp"


class ContactForm(BotCheckedForm):
    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    timestamp_salt = TIMESTAMP_SALT
    messages = {
        "honeypot": _("Your message looks automated and was not sent."),
        "expired": _("The form was open too long. Check your message and send it again."),
        "tampered": _("The form could not be verified. Send it again."),
        "too_fast": _("That was very fast. Check your message, then send it again."),
    }
    field_order = ["name", "email", "subject", "message", "timestamp", "website_confirm"]
    conf = conf
    min_seconds_setting = "CONTACT_MIN_SECONDS"
    max_age_setting = "CONTACT_MAX_FORM_AGE"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        # The limit is a setting, read per form (tests and the environment may change it).
        self.fields["message"] = forms.CharField(
            label=_("Message"),
            max_length=conf.get("CONTACT_MAX_LENGTH"),
            widget=forms.Textarea(attrs={"rows": 8}),
        )
        for name in ("name", "email", "subject", "message"):
            self.fields[name].widget.attrs["aria-required"] = "true"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in ("name", "email", "subject", "message"):
            if name in self.errors:
                self.fields[name].widget.attrs.update(
                    {
                        "aria-invalid": "true",
                        "aria-describedby": f"id_{self.add_prefix(name)}-error",
                    }
                )
