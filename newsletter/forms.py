import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from newsletter import conf

TIMESTAMP_SALT = "newsletter.form-timestamp"


def signed_timestamp() -> str:
    return signing.dumps(int(time.time()), salt=TIMESTAMP_SALT)


class SignupForm(forms.Form):
    """The footer sign-up. Bot checks (honeypot, signed timestamp) live here; the subscription
    rules live in services."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "aria-required": "true", "spellcheck": "false"}
        ),
    )
    timestamp = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS and aria-hidden, filled in by naive bots.
    website_confirm = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        # Its own field names and ids: the footer form shares pages with the comment form.
        kwargs.setdefault("prefix", "newsletter")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("timestamp", signed_timestamp())
        super().__init__(*args, **kwargs)

    def add_error(self, field, error):
        super().add_error(field, error)
        if "email" in self.errors:
            self.fields["email"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{self.add_prefix('email')}-error"}
            )

    def clean_website_confirm(self):
        if self.cleaned_data["website_confirm"]:
            raise forms.ValidationError(
                _("Your request looks automated and was not sent."), code="honeypot"
            )
        return ""

    def clean_timestamp(self):
        try:
            sent = signing.loads(
                self.cleaned_data["timestamp"],
                salt=TIMESTAMP_SALT,
                max_age=conf.get("NEWSLETTER_MAX_FORM_AGE"),
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("The form was open too long. Check your address and send it again."),
                code="expired",
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form could not be verified. Send it again."), code="tampered"
            ) from None
        if type(sent) is not int:
            raise forms.ValidationError(
                _("The form could not be verified. Send it again."), code="tampered"
            )
        if time.time() - sent < conf.get("NEWSLETTER_MIN_SECONDS"):
            raise forms.ValidationError(
                _("That was very fast. Check your address, then send it again."),
                code="too_fast",
            )
        return self.cleaned_data["timestamp"]

    def refresh_timestamp(self):
        """After a refusal the form comes back with the address typed and a new timestamp."""
        self.data = self.data.copy()
        self.data[self.add_prefix("timestamp")] = signed_timestamp()
