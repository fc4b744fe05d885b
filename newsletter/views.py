import logging

from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, ListView

from core import ratelimit
from core.client_address import client_ip
from newsletter import conf
from newsletter.forms import SignupForm
from newsletter.rendering import issue_articles
from newsletter.selectors import archived_issues
from newsletter.services import (
    TokenInvalid,
    subscriber_confirm,
    subscriber_for_confirm,
    subscriber_for_unsubscribe,
    subscriber_request,
    subscriber_unsubscribe,
)

logger = logging.getLogger(__name__)


RATE_LIMIT = ratelimit.PerAddress(
    "newsletter", conf, "NEWSLETTER_RATE_LIMIT", "NEWSLETTER_RATE_WINDOW"
)


def _signup_page(request, form, *, status=200, **context):
    return render(
        request,
        "newsletter/signup.html",
        {"form": form, "newsletter_page": True, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def signup(request):
    """The sign-up page; the footer form on every page posts here.

    An accepted request always ends on the same "check your inbox" page, whatever the address's
    state: the answer never tells whether somebody is subscribed.
    """
    if request.method == "GET":
        return _signup_page(request, SignupForm())

    form = SignupForm(request.POST)
    ip = client_ip(request)
    if RATE_LIMIT.reached(ip):
        form.add_error(None, _("Too many sign-up requests. Wait a few minutes, then try again."))
        status = 429
    elif form.is_valid():
        try:
            subscriber_request(
                email=form.cleaned_data["email"],
                ip_address=ip,
                language=get_language(),
                source=form.source(),
            )
        except DatabaseError:
            # Locked, read-only or refusing writes: our fault, said as such, address kept.
            logger.exception("Newsletter sign-up not saved: database error")
            form.add_error(
                None,
                _("Your request could not be saved just now. Wait a moment, then send it again."),
            )
            status = 503
        else:
            RATE_LIMIT.count(ip)
            return redirect("newsletter:check-inbox")
    else:
        status = 400
    form.refresh_timestamp()
    response = _signup_page(request, form, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


@require_GET
def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


def _invalid_link(request, error: TokenInvalid):
    return _signup_page(
        request, SignupForm(), status=400, link_invalid=True, link_expired=error.expired
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET asks for a click (mail scanners follow links: they must not subscribe anyone);
    POST, from the page's button, confirms."""
    if request.method == "GET":
        try:
            subscriber_for_confirm(token=token)
        except TokenInvalid as error:
            return _invalid_link(request, error)
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        subscriber_confirm(token=token)
    except TokenInvalid as error:
        return _invalid_link(request, error)
    return render(request, "newsletter/confirmed.html")


# The token is the credential, and a mail client's RFC 8058 one-click POST carries no CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (mail scanners follow links: they must not unsubscribe anyone); POST, from the
    page's button or a mail client's one-click, unsubscribes."""
    if request.method == "GET":
        try:
            subscriber_for_unsubscribe(token=token)
        except TokenInvalid as error:
            return _invalid_link(request, error)
        return render(request, "newsletter/unsubscribe_confirm.html", {"token": token})
    try:
        subscriber_unsubscribe(token=token)
    except TokenInvalid as error:
        return _invalid_link(request, error)
    return render(request, "newsletter/unsubscribed.html")


class IssueArchiveView(ListView):
    """Sent issues the editors left in the archive, newest first."""

    template_name = "newsletter/issue_archive.html"
    context_object_name = "issues"
    paginate_by = 20

    def get_queryset(self):
        return archived_issues()


class IssueDetailView(DetailView):
    """An issue on the site, for readers: only once sent, and only if kept in the archive."""

    template_name = "newsletter/issue_detail.html"
    context_object_name = "issue"

    def get_queryset(self):
        return archived_issues()

    def get_context_data(self, **kwargs):
        return super().get_context_data(articles=issue_articles(self.object), **kwargs)
