"""Our own error pages: translated, on the site's frame, and never reading the request body.

Django's defaults are English-only (400, 403) and some paths read `request.POST` again while
answering a body they already refused. These render a template with the request for the frame
(language, CSRF token for the footer forms) and nothing from what the client sent; the 500 page
has no frame at all, since whatever failed may be what the frame needs (the database).
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def _error_page(request, template_name: str, status: int):
    return render(request, template_name, {"error_status": status}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render())
