"""Our own error pages: translated, on the site's frame, and never reading the request body.

Django's defaults are English-only (400, 403) and some paths read `request.POST` again while
answering a body they already refused. These render a template with the request for the frame
(language, CSRF token for the footer forms) and nothing from what the client sent; the 500 page
has no frame at all, since whatever failed may be what the frame needs (the database).
"""

from django.http import HttpResponseServerError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.template import loader
from django.utils.decorators import decorator_from_middleware

from api import problems


class _CsrfTokenForTheFrame(CsrfViewMiddleware):
    """Django's `requires_csrf_token` without its check: the token for the footer forms only.

    `requires_csrf_token` runs the whole CSRF check and ignores the verdict, and the check reads
    `request.POST` for the token when the client sent a CSRF cookie: for a body that could not be
    read (another charset, too many fields, too big) that raises again inside the 400 page, which
    then becomes a 500. An error page changes nothing, so it has nothing to check.
    """

    def process_view(self, request, callback, callback_args, callback_kwargs):
        return None


csrf_token_for_the_frame = decorator_from_middleware(_CsrfTokenForTheFrame)


def _error_page(request, template_name: str, status: int):
    if problems.is_api(request):
        return problems.problem(request, status)  # the API's clients read JSON, not a page
    return render(request, template_name, {"error_status": status}, status=status)


@csrf_token_for_the_frame
def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


@csrf_token_for_the_frame
def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


@csrf_token_for_the_frame
def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def server_error(request):
    if problems.is_api(request):
        return problems.problem(request, 500)
    return HttpResponseServerError(loader.get_template("500.html").render())
