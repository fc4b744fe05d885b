"""Follow a discussion: the request form, the confirmation page, one-click unsubscribe.

Links from mail ask first on GET (mail scanners follow links): the page's button POSTs.
"""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blog.models import Article
from comments import conf, following, verification
from comments.models import DiscussionFollower
from core import ratelimit
from core.botcheck import BotCheckedForm
from core.client_address import client_ip

RATE_LIMIT = ratelimit.PerAddress(
    "comments-follow", conf, "COMMENTS_FOLLOW_RATE_LIMIT", "COMMENTS_FOLLOW_RATE_WINDOW"
)


class FollowForm(BotCheckedForm):
    timestamp_salt = "comments.follow-timestamp"
    messages = {
        "honeypot": _("Your request looks automated and was not sent."),
        "expired": _("The form was open too long. Send it again."),
        "tampered": _("The form could not be verified. Send it again."),
        "too_fast": _("That was very fast. Check the form, then send it again."),
    }
    conf = conf
    min_seconds_setting = "COMMENTS_FLAG_MIN_SECONDS"
    max_age_setting = "COMMENTS_MAX_FORM_AGE"
    prefix = "follow"

    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter the address to send the comments to.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=DiscussionFollower.Frequency.choices,
        initial=DiscussionFollower.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def timestamp_scope(self):
        return f"follow:{self.article.pk}"


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request, article_id: int):
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    form = FollowForm(request.POST or None, article=article)
    if request.method == "GET":
        return _follow_page(request, article, form)
    ip = client_ip(request)
    if RATE_LIMIT.reached(ip):
        form.is_valid()  # keeps what was typed bound
        form.add_error(None, gettext("Too many requests from your connection. Wait a few minutes."))
        status = 429
    elif form.is_valid():
        RATE_LIMIT.count(ip)
        following.follower_request(
            article=article,
            email=form.cleaned_data["email"],
            frequency=form.cleaned_data["frequency"],
        )
        # The same answer whether the address already follows, or has had its share of mail.
        return render(request, "comments/follow.html", {"article": article, "sent": True})
    else:
        status = 400
    form.refresh_timestamp()
    return _follow_page(request, article, form, status=status)


def _follow_page(request, article, form, *, status=200):
    return render(
        request, "comments/follow.html", {"article": article, "follow_form": form}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm(request, token: str):
    follower, frequency = following.read_confirm_token(token)
    if follower is None:
        return render(request, "comments/follow_confirm.html", {"invalid": True}, status=400)
    context = {"follower": follower, "article": follower.article, "token": token}
    if request.method == "GET":
        return render(request, "comments/follow_confirm.html", context)
    following.follower_confirm(follower=follower, frequency=frequency)
    response = render(request, "comments/follow_confirm.html", {**context, "confirmed": True})
    # The link proved the address, as a comment confirmation does (comments.verification).
    address = verification.address_mark_confirmed(email=follower.email)
    if address is not None:
        verification.remember_proof(response, address)
    return response


# The token is the credential; mail clients' one-click POST (RFC 8058) carries no CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_unsubscribe(request, token: str):
    """GET asks (a mail scanner following the link unsubscribes nobody); POST, from the page's
    button or a mail client's one-click, unsubscribes."""
    follower = following.read_unsubscribe_token(token)
    if follower is None:
        return render(request, "comments/follow_unsubscribed.html", {"invalid": True}, status=400)
    article = follower.article
    if request.method == "GET":
        context = {"article": article, "token": token}
        return render(request, "comments/follow_unsubscribe_confirm.html", context)
    following.follower_unsubscribe(follower=follower)
    return render(request, "comments/follow_unsubscribed.html", {"article": article})
