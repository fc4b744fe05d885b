"""Conditional GET for anonymous readers: ETag and Last-Modified, answered with 304.

A validator is built from everything that can change what an anonymous reader sees: the blog's
content version (bumped by signals on any change), the newest publication time among visible
articles (a scheduled article going live changes pages without any save), the active promo,
the language, the CSRF secret the page embeds, plus what the page adds (an article's comment
version, whether its comments are still open). Logged-in users and visitors with a session get
no validators: their pages may hold something personal.

The same pages are kept whole for anonymous readers (core.page_cache): `keep_or_render` is the
one place a blog page is kept, with the versions that retire it and the moment it changes by
itself (`next_change`).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db.models import JSONField, Subquery
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from blog import content_version
from blog.models import Article, Promo, SiteNavigation
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


def _next_change_queries():
    now = timezone.now()
    promos = Promo.objects.filter(enabled=True)
    return {
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


def _earliest(*moments) -> float | None:
    return min((m.timestamp() for m in moments if m is not None), default=None)


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
        **{name: Subquery(query) for name, query in _next_change_queries().items()},
    )


def state_of(row) -> SiteState:
    return SiteState(
        row.site_newest,
        row.site_promo_pk,
        row.site_promo_updated,
        _earliest(row.site_next_publish, row.site_next_promo_start, row.site_next_promo_end),
    )


def current_state() -> SiteState:
    """The site state in one query (the newest publication, with the rest as subqueries)."""
    row = (
        Article.objects.published()
        .order_by("-publish_at")
        .values("publish_at")
        .annotate(
            promo_pk=Subquery(Promo.objects.active().order_by("order", "-pk").values("pk")[:1]),
            promo_updated=Subquery(
                Promo.objects.active().order_by("order", "-pk").values("updated")[:1]
            ),
            **{name: Subquery(query) for name, query in _next_change_queries().items()},
        )
        .first()
    )
    if row is None:
        # No article visible yet: the rest still counts (a promo, the first scheduled one).
        promo = Promo.objects.active().order_by("order", "-pk").values("pk", "updated").first()
        return SiteState(
            None,
            promo["pk"] if promo else None,
            promo["updated"] if promo else None,
            next_change(),
        )
    return SiteState(
        row["publish_at"],
        row["promo_pk"],
        row["promo_updated"],
        _earliest(
            row["site_next_publish"], row["site_next_promo_start"], row["site_next_promo_end"]
        ),
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


def next_change() -> float | None:
    """When the public pages next change with no save (see SiteState.next_change)."""
    return _earliest(*(query.first() for query in _next_change_queries().values()))


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
