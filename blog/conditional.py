"""Conditional GET for anonymous readers: ETag and Last-Modified, answered with 304.

A validator is built from everything that can change what an anonymous reader sees: the blog's
content version (bumped by signals on any change), the newest publication time among visible
articles (a scheduled article going live changes pages without any save), the active promo,
the language, the CSRF secret the page embeds, plus what the page adds (an article's comment
version, whether its comments are still open). Logged-in users and visitors with a session get
no validators: their pages may hold something personal.

The same pages are kept whole for anonymous readers (core.page_cache): `keep_or_render` is the
one place a blog page is kept, with the versions that retire it and the moment it changes by
itself (`SiteState.next_change`).
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from blog import content_version, site_row
from blog.models import Article, Promo
from core import page_cache

# The query parameters of a listing (its page number); other addresses are not kept.
LISTING_PARAMS = ("page",)


@dataclass(frozen=True)
class SiteState:
    """What every page depends on beyond the content version."""

    newest: datetime | None  # newest visible publication time
    promo_pk: int | None
    promo_updated: datetime | None
    # When the pages next change with no save (a scheduled article goes live, a promo starts
    # or ends): a timestamp, or None. Kept pages (core.page_cache) are fresh until then.
    next_change: float | None = None


def _state_parts() -> dict:
    """Each part of the SiteState as a one-value query: the newest visible publication, the
    active promo, and when the pages next change by themselves."""
    now = timezone.now()
    promo = Promo.objects.active().order_by("order", "-pk")
    promos = Promo.objects.filter(enabled=True)
    return {
        "site_newest": Article.objects.published()
        .order_by("-publish_at")
        .values_list("publish_at", flat=True)[:1],
        "site_promo_pk": promo.values_list("pk", flat=True)[:1],
        "site_promo_updated": promo.values_list("updated", flat=True)[:1],
        "site_next_publish": Article.objects.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=now
        )
        .order_by("publish_at")
        .values_list("publish_at", flat=True)[:1],
        "site_next_promo_start": promos.filter(active_from__gt=now)
        .order_by("active_from")
        .values_list("active_from", flat=True)[:1],
        "site_next_promo_end": promos.filter(active_until__gt=now)
        .order_by("active_until")
        .values_list("active_until", flat=True)[:1],
    }


def _subqueries(parts: dict) -> dict:
    return {name: Subquery(query) for name, query in parts.items()}


def _state(values: Mapping) -> SiteState:
    moments = (
        values["site_next_publish"],
        values["site_next_promo_start"],
        values["site_next_promo_end"],
    )
    return SiteState(
        values["site_newest"],
        values["site_promo_pk"],
        values["site_promo_updated"],
        min((m.timestamp() for m in moments if m is not None), default=None),
    )


def with_site_state(queryset):
    """Annotate each row with the SiteState, so a page reads it in the query it already makes."""
    return queryset.annotate(**site_row.annotations(), **_subqueries(_state_parts()))


def state_of(row) -> SiteState:
    return _state(vars(row))


def current_state() -> SiteState:
    """The site state in one query, carried by the site's one row (blog.site_row)."""
    parts = _state_parts()
    carrier = site_row.carrier()
    row = None
    if carrier is not None:
        row = carrier.values("pk").annotate(**_subqueries(parts)).first()
    if row is None:  # the row is not made yet (a flushed test database): one query a part
        row = {name: query.first() for name, query in parts.items()}
    return _state(row)


def is_anonymous_reader(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def validators(request, state: SiteState, page_parts=(), change_times=()) -> tuple[str, int]:
    """(quoted ETag, Last-Modified as a whole-second timestamp). No queries."""
    key = [
        request.get_full_path(),
        content_version.content_version(),
        state.newest.timestamp() if state.newest else 0,
        state.promo_pk,
        state.promo_updated.timestamp() if state.promo_updated else 0,
        translation.get_language(),
        page_cache.csrf_secret(request),
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


def keep_or_render(
    request,
    render,
    state: SiteState,
    params=(),
    *,
    page_parts=(),
    change_times=(),
    depends_on=(),
    fresh_until=(),
):
    """An anonymous reader's page that holds nothing personal: kept for every reader when the
    address allows it (core.page_cache), else rendered with its validators."""
    if not page_cache.can_keep(request, params):
        return add_validators(request, render(), state, page_parts, change_times)
    moments = [m for m in (state.next_change, *fresh_until) if m is not None]
    return page_cache.render_and_keep(
        request,
        render,
        depends_on=(content_version.NAME, *depends_on),
        fresh_until=min(moments, default=None),
        last_modified=validators(request, state, page_parts, change_times)[1],
    )


def conditional_page(view):
    """For listings: a kept page costs no query; else the site state costs one, then 304 or
    the page (kept for the next reader)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_anonymous_reader(request):
            return view(request, *args, **kwargs)
        kept = page_cache.serve(request, LISTING_PARAMS)
        if kept is not None:
            return kept
        state = current_state()
        unchanged = not_modified(request, state)
        if unchanged is not None:
            return unchanged
        return keep_or_render(
            request, lambda: view(request, *args, **kwargs), state, LISTING_PARAMS
        )

    return wrapped
