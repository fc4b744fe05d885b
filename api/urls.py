"""The API: /api/v1/ (read), /api/schema/ (OpenAPI 3.1), /api/docs/ (served from our origin)."""

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import articles, cursors, problems, readers, site_pages, staff

app_name = "api"
logger = logging.getLogger("django.request")


class RivistaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The schema as served: every error answer is a problem (application/problem+json)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema


api = RivistaAPI(
    title="Rivista API",
    version="1",
    description=(
        "Read what the magazine publishes: articles, taxonomies, discussions. Readers comment, "
        "report, follow and sign up (ask /api/v1/botcheck/ for a token first); authors and "
        "editors write drafts, upload images, submit and publish with a personal API token."
    ),
    openapi_url="/schema/",
    # Swagger UI from django-ninja's static files (no CDN), its settings in a JSON block and
    # started by a script file: nothing inline, so the site's CSP holds.
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs/",
    urls_namespace="api",
)
api.add_router("/v1/", articles.router)
api.add_router("/v1/", site_pages.router)
api.add_router("/v1/", readers.router)
api.add_router("/v1/", staff.router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return problems.not_found(request)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = problems.problem(
        request, 401, detail=str(_("Send a valid, unrevoked API token as a Bearer token."))
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    detail = str(exc) or str(_("Your account may not do this."))
    return problems.problem(request, 403, detail=detail)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return problems.invalid_parameters(request, exc.errors)


@api.exception_handler(cursors.BadCursor)
def bad_cursor(request, exc):
    # The page a forged or mangled cursor names does not exist: a 404, as for an unknown id.
    return problems.problem(request, 404, detail=str(_("This cursor is not one the API gave.")))


@api.exception_handler(HttpError)
def http_error(request, exc):
    # Our own refusals carry the reader's message; django-ninja's (an unreadable body) do not.
    detail = str(exc) if exc.status_code in (404, 415) else ""
    return problems.problem(request, exc.status_code, detail=detail)


@api.exception_handler(Exception)
def server_error(request, exc):
    logger.error("API error at %s", request.path, exc_info=exc, extra={"request": request})
    return problems.problem(request, 500)


def answered_as_problems(view):
    """django-ninja's own 405 in words as a problem, and HEAD answered as the GET it mirrors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allow = response["Allow"]
            response = problems.problem(request, 405)
            response["Allow"] = allow
        if head:
            response.content = b""
        return response

    return wrapper


# It changes nothing, so it has nothing to protect: a write to an address the API does not have
# is a 404 problem, not the CSRF failure page.
@csrf_exempt
def unknown(request):
    return problems.not_found(request)


def _patterns():
    patterns = api.urls[0]
    for pattern in patterns:
        pattern.callback = answered_as_problems(pattern.callback)
    return patterns


urlpatterns = [
    *_patterns(),
    re_path(r"^", unknown),  # any other address under /api/, newlines and all
]
