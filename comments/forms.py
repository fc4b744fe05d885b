from django import forms
from django.utils.translation import gettext_lazy as _

from comments import conf, discussion
from core.botcheck import BotCheckedForm
from core.web_address import is_web_address

TIMESTAMP_SALT = "comments.form-timestamp"


def signed_timestamp(article_id: int) -> str:
    return CommentForm.sign(article_id)


class CommentForm(BotCheckedForm):
    """The reader's comment form. Bot checks live here; the posting rules live in services."""

    timestamp_salt = TIMESTAMP_SALT
    messages = {
        "honeypot": _("Your comment looks automated and was not posted."),
        "expired": _("The form was open too long. Check your comment and post it again."),
        "tampered": _("The form could not be verified. Post your comment again."),
        "used": _("This form was already sent. Check your comment and post it again."),
        "too_fast": _(
            "That was very fast. Take a moment to read your comment, then post it again."
        ),
    }
    field_order = [
        "author_name", "author_email", "author_url", "body", "remember", "notify_on_reply",
        "parent", "timestamp", "website_confirm",
    ]  # fmt: skip
    conf = conf
    min_seconds_setting = "COMMENTS_MIN_SECONDS"
    max_age_setting = "COMMENTS_MAX_FORM_AGE"

    author_name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    author_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8, "cols": 45})
    )
    remember = forms.BooleanField(
        label=_("Save my name, email and website in this browser for the next time I comment."),
        required=False,
    )
    notify_on_reply = forms.BooleanField(label=_("Notify me of replies by email."), required=False)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, article, user=None, **kwargs):
        self.article = article
        self.account = user if user is not None and user.is_authenticated else None
        super().__init__(*args, **kwargs)
        if discussion.current().allow_anonymous or self.account is not None:
            self.fields["author_name"].required = False
            self.fields["author_email"].required = False
        if self.account is not None:
            # A logged-in reader comments as their account (comments.services.account_identity).
            for name in ("author_name", "author_email", "author_url", "remember"):
                self.fields[name].widget = forms.HiddenInput()
                self.fields[name].required = False
        for field in self.fields.values():
            if field.required and not field.widget.is_hidden:
                field.widget.attrs["aria-required"] = "true"

    def add_error(self, field, error):
        super().add_error(field, error)
        # Tie each message to its input for assistive technology.
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def clean_author_url(self):
        url = self.cleaned_data["author_url"]
        if url and not is_web_address(url):
            raise forms.ValidationError(_("Enter a web address starting with http:// or https://."))
        return url

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a comment before posting."))
        return body

    def timestamp_scope(self):
        return self.article.pk
