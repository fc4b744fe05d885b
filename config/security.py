"""Security pieces the settings name: a header Django has no setting for, a 400 for requests no
view can read, a 405 that says why, the lock-out page."""

import math
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from config import errors


class PermissionsPolicyMiddleware:
    """Permissions-Policy from settings.PERMISSIONS_POLICY, unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class SiteUrlMiddleware:
    """With LINKS_FROM_SITE_URL (production), the request's host and scheme are SITE_URL's.

    Everything that builds an absolute URL from the request (canonical and OpenGraph links,
    JSON-LD, feeds, the sitemap, robots.txt) then links to the public address, never to a Host
    header a client or a misconfigured proxy chose. The Host sent is still checked against
    ALLOWED_HOSTS first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LINKS_FROM_SITE_URL:
            request.get_host()  # DisallowedHost (a 400) for a host we do not serve
            site = urlsplit(settings.SITE_URL)
            request.META["HTTP_HOST"] = site.netloc
            request.META.pop("HTTP_X_FORWARDED_HOST", None)
            proxy_header = settings.SECURE_PROXY_SSL_HEADER
            if proxy_header:
                header, secure_value = proxy_header
                request.META[header] = secure_value if site.scheme == "https" else "http"
            else:
                request.META["wsgi.url_scheme"] = site.scheme
        return self.get_response(request)


class UnreadableRequestMiddleware:
    """Our 400 page, before any view or middleware reads the request, for what none could read.

    A form body declared in a charset other than UTF-8 (Django refuses it, then some answers
    read it again: a 500), and a NUL byte in the query string (no text column takes one:
    PostgreSQL fails the query, admin filters and autocomplete included).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._readable(request):
            return errors.bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _readable(request) -> bool:
        try:
            if any(
                "\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()
            ):
                return False
            if request.method == "POST" and request.content_type == URLENCODED:
                request.POST  # noqa: B018 - parsed once here, refused here if it cannot be.
        except (BadRequest, SuspiciousOperation, UnicodeDecodeError):
            return False
        return True


URLENCODED = "application/x-www-form-urlencoded"


class ReadOnlyAddressesMiddleware:
    """PUT, PATCH, DELETE and TRACE at a page, listing, feed or the sitemap: 405 with Allow.

    Feeds and function views would otherwise answer them as a GET, and the CSRF check would
    refuse the unsafe ones with a misleading 403 first: this runs before it. Form addresses
    (comments, newsletter) already refuse other methods themselves.
    """

    NEVER_ACCEPTED = frozenset({"PUT", "PATCH", "DELETE", "TRACE"})
    READ_ONLY_NAMESPACES = frozenset({"blog"})
    READ_ONLY_NAMES = frozenset({"sitemap", "robots"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in self.NEVER_ACCEPTED:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None:
            allowed = view_class(**view_func.view_initkwargs)._allowed_methods()
            if "GET" in allowed and "HEAD" not in allowed:  # View.setup() adds head() later
                allowed.insert(allowed.index("GET") + 1, "HEAD")
            return None if request.method in allowed else HttpResponseNotAllowed(allowed)
        match = request.resolver_match
        if match.namespace in self.READ_ONLY_NAMESPACES or match.url_name in self.READ_ONLY_NAMES:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return None


class MethodNotAllowedPageMiddleware:
    """Django answers a method a view does not take (a GET at a form's address) with an empty
    405: this one says so in words, on a page of the site, and keeps the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False):
            return response
        if response.content or request.method == "HEAD":
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a login while locked out: 429, in words, with when to retry."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "registration/lockout.html",
        {**admin.site.each_context(request), "minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
