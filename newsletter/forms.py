from django import forms
from django.utils.translation import gettext_lazy as _

from core.botcheck import BotCheckedForm
from newsletter import conf
from newsletter.models import SOURCE_ARTICLE

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
    # The article whose page the form was on, for the editors' "which articles bring subscribers"
    # (readership); anything that is not an article's number is ignored, never an error.
    article = forms.CharField(required=False, max_length=19, widget=forms.HiddenInput)
    field_order = ["email", "timestamp", "website_confirm", "article"]
    conf = conf
    min_seconds_setting = "NEWSLETTER_MIN_SECONDS"
    max_age_setting = "NEWSLETTER_MAX_FORM_AGE"

    def __init__(self, *args, **kwargs):
        # Its own field names and ids: the footer form shares pages with the comment form.
        kwargs.setdefault("prefix", "newsletter")
        super().__init__(*args, **kwargs)

    def clean_article(self) -> int | None:
        value = self.cleaned_data.get("article") or ""
        return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None

    def source(self) -> str:
        """What the subscriber record keeps of where they signed up."""
        article = self.cleaned_data.get("article")
        return f"{SOURCE_ARTICLE}{article}" if article else "footer"

    def add_error(self, field, error):
        super().add_error(field, error)
        if "email" in self.errors:
            self.fields["email"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{self.add_prefix('email')}-error"}
            )
