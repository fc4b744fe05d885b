"""Conditional GET for anonymous readers: ETag and Last-Modified, answered with 304.

A validator is built from everything that can change what an anonymous reader sees: the blog's
content version (bumped by signals on any change), the newest publication time among visible
articles (a scheduled article going live changes pages without any save), the active promo,
the language, the CSRF secret the page embeds, plus what the page adds (an article's comment
version, whether its comments are still open). Logged-in users and visitors with a session get
no validators: their pages may hold something personal.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db.models import JSONField, Subquery
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from blog import content_version
from blog.models import Article, Promo, SiteNavigation


@dataclass(frozen=True)
class SiteState:
    """What every page depends on beyond the content version."""

    newest: datetime | None  # newest visible publication time
    promo_pk: int | None
    promo_updated: datetime | None


def with_site_state(queryset):
    """Annotate each row with the SiteState, so a page reads it in the query it already makes."""
    newest = Article.objects.published().order_by("-publish_at").values("publish_at")[:1]
    promo = Promo.objects.active().order_by("order", "-pk")
    navigation = SiteNavigation.objects.filter(pk=1).values("data")[:1]
    return queryset.annotate(
        site_navigation=Subquery(navigation, output_field=JSONField()),
        site_newest=Subquery(newest),
        site_promo_pk=Subquery(promo.values("pk")[:1]),
        site_promo_updated=Subquery(promo.values("updated")[:1]),
    )


def state_of(row) -> SiteState:
    return SiteState(row.site_newest, row.site_promo_pk, row.site_promo_updated)


def current_state() -> SiteState:
    newest = Article.objects.published().order_by("-publish_at").values("publish_at").first()
    promo = Promo.objects.active().order_by("order", "-pk").values("pk", "updated").first()
    return SiteState(
        newest["publish_at"] if newest else None,
        promo["pk"] if promo else None,
        promo["updated"] if promo else None,
    )


def is_anonymous_reader(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _csrf_secret(request) -> str:
    # After a render that used a token, META holds the secret the response's cookie will carry;
    # before it, the cookie the browser sent. The next request sends what this response set.
    return request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")


def validators(request, state: SiteState, page_parts=(), change_times=()) -> tuple[str, int]:
    """(quoted ETag, Last-Modified as a whole-second timestamp). No queries."""
    key = [
        request.get_full_path(),
        content_version.content_version(),
        state.newest.timestamp() if state.newest else 0,
        state.promo_pk,
        state.promo_updated.timestamp() if state.promo_updated else 0,
        translation.get_language(),
        _csrf_secret(request),
        *page_parts,
    ]
    etag = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
    moments = [content_version.last_changed(), *change_times]
    for moment in (state.newest, state.promo_updated):
        if moment is not None:
            moments.append(moment.timestamp())
    last_modified = int(max((m for m in moments if m), default=0.0)) + 1
    return quote_etag(etag), last_modified


def not_modified(request, state: SiteState, page_parts=(), change_times=()):
    """A 304 when the reader's copy is current, else None."""
    etag, last_modified = validators(request, state, page_parts, change_times)
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def add_validators(
    request, response, state: SiteState, page_parts=(), change_times=(), *, personal: bool = False
):
    """Put the validators on a fresh 200 that holds nothing personal (the view says which)."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()  # the CSRF secret is known once the page took its token
    if response.status_code == 200 and not personal:
        etag, last_modified = validators(request, state, page_parts, change_times)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        # Stored, but asked about again every time: comments must never look stale.
        patch_cache_control(response, no_cache=True)
    return response


def conditional_page(view):
    """For listings: the site state costs one query, then 304 or the page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_anonymous_reader(request):
            return view(request, *args, **kwargs)
        state = current_state()
        unchanged = not_modified(request, state)
        if unchanged is not None:
            return unchanged
        return add_validators(request, view(request, *args, **kwargs), state)

    return wrapped
