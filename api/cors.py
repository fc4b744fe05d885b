"""Cross-origin reads of the API, off unless API_CORS_ALLOWED_ORIGINS names origins.

Only under /api/ and never with credentials: the API answers the same to everyone, so no cookie
needs to go along. The origins named may read (GET, HEAD, and the OPTIONS preflight a browser
sends first) and write (POST and PATCH with a JSON body, a reader's comment from a front end on
another origin; an Authorization header, a staff token a script holds): a write needs no cookie,
and an origin not named gets no preflight, so its browser sends nothing.
"""

from django.http import HttpResponse

from api import conf

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS, POST, PATCH"
ALLOWED_HEADERS = "If-None-Match, If-Modified-Since, Content-Type, Authorization"
EXPOSED_HEADERS = "ETag, Last-Modified"
PREFLIGHT_MAX_AGE = 24 * 60 * 60


def allowed_origin(origin: str | None) -> str | None:
    """The value of Access-Control-Allow-Origin for `origin`, or None when it may not read."""
    allowed = conf.get("API_CORS_ALLOWED_ORIGINS")
    if not origin or not allowed:
        return None
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


class CorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        origin = allowed_origin(request.headers.get("Origin"))
        preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        if preflight and origin:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        else:
            response = self.get_response(request)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if conf.get("API_CORS_ALLOWED_ORIGINS"):
            # The answer depends on Origin when some origins may read and others may not.
            vary = response.get("Vary")
            response["Vary"] = f"{vary}, Origin" if vary else "Origin"
        return response
