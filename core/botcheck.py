"""Bot checks that need no third party, shared by every public form (comments, newsletter).

A honeypot field people never see, and a signed timestamp of when the form was shown: a form
sent back sooner than a person could fill it, or kept open too long, or whose timestamp was
forged or made for another page, is refused with a clear message and comes back as typed.
Each timestamp is good for one post (a nonce remembered in the shared cache): a bot cannot
load a page once and replay its form for days.
"""

import secrets
import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core import page_cache
from core.text import clean_text

FILL_TIMESTAMP = "core.botcheck.signed_timestamp"


def signed_timestamp(request, salt: str, scope) -> str:
    """When the form was shown, for `scope`, with a nonce that makes it good for one post."""
    return signing.dumps(
        {"s": scope, "t": int(time.time()), "n": secrets.token_urlsafe(12)}, salt=salt
    )


class BotCheckedForm(forms.Form):
    """Subclasses set `timestamp_salt`, `messages`, `conf` (their app's settings module, with
    get()) and the names of its settings for the shortest and longest time a form may be open;
    `timestamp_scope()` ties a timestamp to one page (an article)."""

    timestamp_salt = ""
    messages: dict = {}
    conf = None
    min_seconds_setting = ""
    max_age_setting = ""

    timestamp = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS and aria-hidden, filled in by naive bots.
    website_confirm = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("timestamp", self.sign(self.timestamp_scope()))
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._without_invisible_characters(self.data)

    def _without_invisible_characters(self, data):
        """Every typed value without controls, bidi overrides or zero-widths (core.text), before
        any validation: a value of only such characters is then empty, and required fields say
        so. Only text areas keep line breaks and tabs."""
        data = data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key not in data or not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            cleaned = [
                clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in values
            ]
            if hasattr(data, "setlist"):
                data.setlist(key, cleaned)
            else:
                data[key] = cleaned[-1]
        return data

    @classmethod
    def sign(cls, scope) -> str:
        # In a page kept for every reader, a hole: each visitor gets a timestamp of their own.
        placeholder = page_cache.hole(FILL_TIMESTAMP, cls.timestamp_salt, scope)
        return placeholder or signed_timestamp(None, cls.timestamp_salt, scope)

    def timestamp_scope(self):
        return ""

    def min_seconds(self) -> int:
        return self.conf.get(self.min_seconds_setting)

    def max_age(self) -> int:
        return self.conf.get(self.max_age_setting)

    def clean_website_confirm(self):
        if self.cleaned_data["website_confirm"]:
            raise forms.ValidationError(self.messages["honeypot"], code="honeypot")
        return ""

    def clean_timestamp(self):
        try:
            sent = signing.loads(
                self.cleaned_data["timestamp"], salt=self.timestamp_salt, max_age=self.max_age()
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(self.messages["expired"], code="expired") from None
        except signing.BadSignature:
            raise forms.ValidationError(self.messages["tampered"], code="tampered") from None
        if (
            not isinstance(sent, dict)
            or sent.get("s") != self.timestamp_scope()
            or not isinstance(sent.get("t"), int)
            or not isinstance(sent.get("n"), str)
        ):
            raise forms.ValidationError(self.messages["tampered"], code="tampered")
        if time.time() - sent["t"] < self.min_seconds():
            raise forms.ValidationError(self.messages["too_fast"], code="too_fast")
        # Spent now, whatever else the form says: a refused form comes back with a new one.
        if not cache.add(f"botcheck:{self.timestamp_salt}:{sent['n']}", 1, self.max_age() + 60):
            raise forms.ValidationError(
                self.messages.get("used", self.messages["tampered"]), code="used"
            )
        return self.cleaned_data["timestamp"]

    def refresh_timestamp(self):
        """After a refusal the form comes back with everything typed and a new timestamp."""
        self.data = self.data.copy()
        self.data[self.add_prefix("timestamp")] = self.sign(self.timestamp_scope())
