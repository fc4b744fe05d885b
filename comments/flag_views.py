"""The report form of a comment: a page of its own, so it works without JavaScript."""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from blog.models import Article
from comments import conf, flags
from comments.models import Comment, CommentFlag
from core.botcheck import BotCheckedForm
from core.client_address import client_ip


class FlagForm(BotCheckedForm):
    timestamp_salt = "comments.flag-timestamp"
    messages = {
        "honeypot": _("Your report looks automated and was not sent."),
        "expired": _("The form was open too long. Send your report again."),
        "tampered": _("The form could not be verified. Send your report again."),
        "too_fast": _("That was very fast. Check your report, then send it again."),
    }
    conf = conf
    min_seconds_setting = "COMMENTS_FLAG_MIN_SECONDS"
    max_age_setting = "COMMENTS_MAX_FORM_AGE"

    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=CommentFlag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this comment.")},
    )
    text = forms.CharField(
        label=_("Details (needed for “Something else”)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 45}),
    )

    def __init__(self, *args, comment, **kwargs):
        self.comment = comment
        super().__init__(*args, **kwargs)

    def timestamp_scope(self):
        return self.comment.pk

    def clean(self):
        data = super().clean()
        if data.get("reason") == CommentFlag.Reason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("Tell the moderators what is wrong with this comment."))
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def flag_comment(request, comment_id: int):
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(
            article__in=Article.objects.published(), status=Comment.Status.APPROVED
        ),
        pk=comment_id,
    )
    form = FlagForm(request.POST or None, comment=comment)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                flags.comment_flag(
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    user=request.user,
                    ip_address=client_ip(request),
                )
            except flags.FlagRefused as refused:
                form.add_error(None, str(refused.message))
                status = refused.status
            else:
                return render(request, "comments/flag_thanks.html", {"comment": comment})
        form.refresh_timestamp()
    return render(request, "comments/flag.html", {"form": form, "comment": comment}, status=status)
