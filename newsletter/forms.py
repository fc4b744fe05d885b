from django import forms
from django.utils.translation import gettext_lazy as _

from core.botcheck import BotCheckedForm
from newsletter import conf

TIMESTAMP_SALT = "newsletter.form-timestamp"


def signed_timestamp() -> str:
    return SignupForm.sign("")


class SignupForm(BotCheckedForm):
    """The footer sign-up. Bot checks (honeypot, signed timestamp) live here; the subscription
    rules live in services."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "aria-required": "true", "spellcheck": "false"}
        ),
    )
    timestamp_salt = TIMESTAMP_SALT
    messages = {
        "honeypot": _("Your request looks automated and was not sent."),
        "expired": _("The form was open too long. Check your address and send it again."),
        "tampered": _("The form could not be verified. Send it again."),
        "used": _("This form was already sent. Check your address and send it again."),
        "too_fast": _("That was very fast. Check your address, then send it again."),
    }
    field_order = ["email", "timestamp", "website_confirm"]
    conf = conf
    min_seconds_setting = "NEWSLETTER_MIN_SECONDS"
    max_age_setting = "NEWSLETTER_MAX_FORM_AGE"

    def __init__(self, *args, **kwargs):
        # Its own field names and ids: the footer form shares pages with the comment form.
        kwargs.setdefault("prefix", "newsletter")
        super().__init__(*args, **kwargs)

    def add_error(self, field, error):
        super().add_error(field, error)
        if "email" in self.errors:
            self.fields["email"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{self.add_prefix('email')}-error"}
            )
