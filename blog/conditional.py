"""The one policy for public blog pages: which layer answers a request, decided once.

A request for a public page is answered by exactly one of these, chosen from the request alone
before anything is read (`PagePolicy.of`), then, once the content is read, from whether the
page holds something for this visitor alone (`Page.is_personal`):

- KEPT: an anonymous reader (core.page_cache.is_anonymous_reader, the one rule) at an address
  the page cache keeps: the kept page (no query, no template), else a 304, else the page
  rendered once and kept for the next reader.
- VALIDATED: an anonymous reader at another address (a tracking parameter) or with the page
  cache off: a 304, else the page rendered with its validators.
- RENDERED: everyone else (logged in, a session, any other cookie, not a GET): the page rendered
  for them, no validators.
- A page that is personal after all (the article page asks its extensions) is rendered for this
  visitor, `Cache-Control: private`, whatever the layer.

One ETag and one Last-Modified per page (`validators`): built from everything that changes what
an anonymous reader sees (the blog's content version, the newest publication time among visible
articles, the active promo, the language, plus what the page adds: an article's comment
version, whether its comments are still open), joined by core.page_cache.etag with the CSRF
secret the page embeds. A kept page and a rendered one carry the same ETag.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import wraps

from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

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
        "site_next_publish": Article.objects.scheduled()
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


@dataclass(frozen=True)
class Validators:
    """A page's one ETag (before the visitor's CSRF secret is joined to it) and Last-Modified."""

    etag_base: str
    last_modified: int  # a whole-second timestamp

    def etag(self, request: HttpRequest) -> str:
        return page_cache.etag(self.etag_base, request)


def validators(request, state: SiteState, page_parts=(), change_times=()) -> Validators:
    """What a page's validators are made of. No queries."""
    key = [
        request.get_full_path(),
        content_version.content_version(),
        state.newest.timestamp() if state.newest else 0,
        state.promo_pk,
        state.promo_updated.timestamp() if state.promo_updated else 0,
        translation.get_language(),
        *page_parts,
    ]
    etag_base = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
    moments = [content_version.last_changed(), *change_times]
    for moment in (state.newest, state.promo_updated):
        if moment is not None:
            moments.append(moment.timestamp())
    last_modified = int(max((m for m in moments if m), default=0.0)) + 1
    return Validators(etag_base, last_modified)


@dataclass
class Page:
    """A public page, as the policy needs it: how to render it and what it depends on."""

    # Renders the page; `personal` is what the policy found (None: the page asks itself).
    render: Callable[[bool | None], HttpResponse]
    # The site state, when it came with the page's content (else read when first needed).
    site_state: SiteState | None = None
    page_parts: tuple = ()  # what else is in the ETag
    change_times: tuple = ()  # what else may move Last-Modified
    depends_on: tuple[str, ...] = ()  # core.versions names that retire the kept page
    fresh_until: tuple = ()  # when the page changes by itself (timestamps or None)
    is_personal: Callable[[], bool] = field(default=lambda: False)

    @property
    def state(self) -> SiteState:
        if self.site_state is None:
            self.site_state = current_state()
        return self.site_state

    def validators(self, request) -> Validators:
        return validators(request, self.state, self.page_parts, self.change_times)

    def next_change(self) -> float | None:
        moments = [m for m in (self.state.next_change, *self.fresh_until) if m is not None]
        return min(moments, default=None)


class Layer(StrEnum):
    KEPT = "kept"
    VALIDATED = "validated"
    RENDERED = "rendered"


@dataclass(frozen=True)
class PagePolicy:
    """Which layer answers this request (see the module's docstring)."""

    layer: Layer
    params: tuple[str, ...] = ()

    @classmethod
    def of(cls, request, params=()) -> "PagePolicy":
        """Decided from the request alone; `params` are the query parameters the page reads."""
        params = tuple(params)
        if not page_cache.is_anonymous_reader(request):
            return cls(Layer.RENDERED, params)
        if page_cache.can_keep(request, params):
            return cls(Layer.KEPT, params)
        return cls(Layer.VALIDATED, params)

    def kept_page(self, request) -> HttpResponse | None:
        """The kept page, when this request is answered from the page cache and it has one."""
        return page_cache.serve(request, self.params) if self.layer is Layer.KEPT else None

    def answer(self, request, page: Page) -> HttpResponse:
        """The page, a 304, or the page kept for the next reader: as the layer says."""
        if self.layer is Layer.RENDERED:
            return page.render(None)
        if page.is_personal():
            return page.render(True)
        page_validators = page.validators(request)
        unchanged = get_conditional_response(
            request,
            etag=page_validators.etag(request),
            last_modified=page_validators.last_modified,
        )
        if unchanged is not None:
            return unchanged
        if self.layer is Layer.KEPT:
            return page_cache.render_and_keep(
                request,
                lambda: page.render(False),
                depends_on=(content_version.NAME, *page.depends_on),
                fresh_until=page.next_change(),
                last_modified=page_validators.last_modified,
                etag_base=page_validators.etag_base,
            )
        return add_validators(request, page.render(False), page_validators)


def add_validators(request, response, page_validators: Validators):
    """Put the validators on a fresh 200 of a page that holds nothing personal."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()  # the CSRF secret is known once the page took its token
    if response.status_code == 200:
        response["ETag"] = page_validators.etag(request)
        response["Last-Modified"] = http_date(page_validators.last_modified)
        # Stored, but asked about again every time: comments must never look stale.
        patch_cache_control(response, no_cache=True)
    return response


def conditional_page(view):
    """For listings: a kept page costs no query; else, for an anonymous reader, the site state
    costs one, then 304 or the page (kept for the next reader)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = PagePolicy.of(request, LISTING_PARAMS)
        kept = policy.kept_page(request)
        if kept is not None:
            return kept
        return policy.answer(request, Page(render=lambda personal: view(request, *args, **kwargs)))

    return wrapped
