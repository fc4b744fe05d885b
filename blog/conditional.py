"""Conditional GET for anonymous readers: ETag and Last-Modified, answered with 304.

A validator is built from everything that can change what an anonymous reader sees: the blog's
content version, the newest publication time among visible articles (a scheduled article going
live changes listings without any save), the active promo, the language, the reader's CSRF
cookie (the page embeds a token derived from it), plus what the page adds (an article's comment
version, whether its comments are still open). Logged-in users and visitors with a session get
no validators: their pages may hold something personal.
"""

import hashlib
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.db.models import Max
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from blog import cache as blog_cache
from blog.models import Article, Promo


def _is_anonymous_reader(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _csrf_secret(request) -> str:
    # After a render that used a token, META holds the secret the response's cookie will carry;
    # before it, the cookie the browser sent. The next request sends what this response set.
    return request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")


def validators(request, extra_parts=(), extra_times=()) -> tuple[str, float]:
    newest = Article.objects.published().aggregate(newest=Max("publish_at"))["newest"]
    promo = Promo.objects.active().values_list("pk", "updated").first()
    parts = [
        request.get_full_path(),
        blog_cache.content_version(),
        newest.timestamp() if newest else 0,
        promo,
        translation.get_language(),
        _csrf_secret(request),
        *extra_parts,
    ]
    etag = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    times = [blog_cache.last_changed(), newest.timestamp() if newest else None, *extra_times]
    if promo:
        times.append(promo[1].timestamp())
    last_modified = max((t for t in times if t), default=0.0)
    return quote_etag(etag), last_modified


def conditional_page(extra=None):
    """Decorate a public view. `extra(request, *args, **kwargs)` returns (parts, times) the page
    adds to the validators, or None when the view will not answer 200 (e.g. a redirect)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _is_anonymous_reader(request):
                return view(request, *args, **kwargs)
            parts, times = (), ()
            if extra is not None:
                added = extra(request, *args, **kwargs)
                if added is None:
                    return view(request, *args, **kwargs)
                parts, times = added
            etag, last_modified = validators(request, parts, times)
            last_modified = int(last_modified) + 1  # whole seconds, never in the past
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return not_modified
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # the token is taken while rendering
            if response.status_code == 200 and not getattr(request, "personalised", False):
                # Again, now that the page's CSRF secret is known.
                etag, last_modified = validators(request, parts, times)
                last_modified = int(last_modified) + 1
                response["ETag"] = etag
                response["Last-Modified"] = http_date(last_modified)
                # Stored, but asked about again every time: comments must never look stale.
                patch_cache_control(response, no_cache=True)
            return response

        return wrapped

    return decorator


def as_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
