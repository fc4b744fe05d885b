"""Errors as RFC 9457 problem details (application/problem+json), in the reader's language.

Every refusal of the API goes through `problem()`: a 404 for what the public may not see (a
draft is as absent as an id that never existed), a 400 for a parameter the API cannot read, a
405 for a method it does not take, and a 500 that says nothing about what failed.
"""

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("The request could not be read."),
    401: _("A valid API token is needed."),
    403: _("Not allowed."),
    404: _("Not found."),
    405: _("Method not allowed."),
    409: _("In conflict with the current state."),
    413: _("Too large."),
    415: _("Send the body as JSON."),
    429: _("Too many requests."),
    500: _("Something went wrong on our side."),
    503: _("Not available just now."),
}


def problem(request: HttpRequest | None, status: int, *, detail: str = "", **extra) -> HttpResponse:
    """A problem details answer; `extra` adds members (e.g. `errors` for invalid parameters)."""
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status) or HTTPStatus(status).phrase),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    if request is not None:
        body["instance"] = request.path
    body.update(extra)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    response["Content-Language"] = get_language() or "it"
    return response


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return problem(request, 404, detail=gettext("Nothing public is at this address."))


def invalid_parameters(request: HttpRequest, errors: list[dict]) -> HttpResponse:
    """A 400 naming each parameter refused and why (no value the client sent is echoed)."""
    return problem(
        request,
        400,
        detail=gettext("Some parameters are not valid."),
        errors=[
            {"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]), "reason": _reason(e)}
            for e in errors
        ],
    )


def refused(request: HttpRequest, status: int, message, *, fields=None) -> HttpResponse:
    """A write refused with the reader-facing message the site's form shows; `fields` maps a
    field of the request's body to the messages about it (a form's errors)."""
    errors = [
        {"parameter": name, "reason": str(reason)}
        for name, reasons in (fields or {}).items()
        for reason in reasons
    ]
    return problem(request, status, detail=str(message), **({"errors": errors} if errors else {}))


def _reason(error: dict) -> str:
    """Why a parameter was refused, in the reader's language (pydantic's messages are English)."""
    kind = error.get("type", "")
    if kind == "missing":
        return gettext("Required.")
    if kind.startswith("int_") or kind == "value_error":
        return gettext("Must be a whole number.")
    return gettext("Not a valid value.")
