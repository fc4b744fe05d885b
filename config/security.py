"""Security pieces the settings name: a header Django has no setting for, a 405 that says why,
the lock-out page."""

import math

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


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
