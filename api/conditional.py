"""ETag and Last-Modified for the API's answers, the 304 that saves sending them again, and the
answers kept whole for anonymous readers, like the site's pages.

The validators are built from the same versions that retire the site's kept pages: the blog's
content version (any save of an article, author, category, tag, correction, image or page), the
newest visible publication time (a scheduled article going live changes listings with no save),
an article's comments version and the discussion rules (core.versions, bumped by every change
readers see) and the language the answer is written in. Nothing in an answer is personal, so
every reader shares them.

`answer()` is the one path of a public GET: for an anonymous reader (core.page_cache's one
rule) at an address whose query holds only the endpoint's parameters, the kept answer (bytes,
no query), else a 304, else the answer rendered and kept under those versions until one moves
or the next scheduled publication; for everyone else a 304 or the answer with its validators.
One ETag per answer, kept or rendered (core.page_cache.etag).
"""

import hashlib
import json
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

from blog import conditional as blog_conditional
from blog import content_version
from core import page_cache, versions


class Validators:
    """An answer's ETag and Last-Modified, from the parts it depends on, and what retires it
    when kept: the versions it names and the moment it changes by itself."""

    def __init__(self, parts: tuple, changed: tuple, *, names=(), fresh_until=None):
        """`changed`: when each thing the answer shows last changed, None where unknown."""
        language = translation.get_language()
        self.etag_base = hashlib.blake2b(
            repr((language, *parts)).encode(), digest_size=12
        ).hexdigest()
        # Unknown (the cache lost when a version moved): no Last-Modified rather than a wrong one
        # (and then not kept: a kept answer always has one).
        self.last_modified = int(max(changed, default=0)) if None not in changed else None
        self.names = tuple(names)
        self.fresh_until = fresh_until

    def etag(self, request: HttpRequest) -> str:
        return page_cache.etag(self.etag_base, request)

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        """The 304 (or 412) answer when the client's copy is current, else None."""
        response = get_conditional_response(
            request, etag=self.etag(request), last_modified=self.last_modified
        )
        if response is not None:
            self.apply(request, response)
        return response

    def apply(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag(request)
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        # Shared caches may keep it, and must ask again before reusing it.
        patch_cache_control(response, public=True, no_cache=True)
        return response


def _changes(names) -> tuple[dict, tuple]:
    """The versions of `names` and when each last moved: a name never moved (still its first
    version) has no moment and is left out; one that moved but whose moment the cache lost is
    None (unknown)."""
    found = {name: versions.version(name) for name in names}
    moments = {name: versions.last_changed(name) for name in names}
    changed = tuple(
        moments[name] for name in names if found[name] != 1 or moments[name] is not None
    )
    return found, changed


def for_content(*parts) -> Validators:
    """Validators of an answer that shows the blog's public content (one query: the site's
    state, as the pages read it)."""
    state = blog_conditional.current_state()
    newest = state.newest.timestamp() if state.newest else None
    found, changed = _changes([content_version.NAME])
    return Validators(
        (tuple(found.items()), changed, newest, *parts),
        (*changed, *([newest] if newest is not None else [])),
        names=(content_version.NAME,),
        fresh_until=state.next_change,
    )


def for_versions(names: list[str], *parts) -> Validators:
    """Validators of an answer that depends on these core.versions names (no query)."""
    found, changed = _changes(names)
    return Validators((tuple(found.items()), changed, *parts), changed, names=names)


def _json(schema, data) -> HttpResponse:
    """The answer as django-ninja would write it, validated by the same schema."""
    adapter = TypeAdapter(schema)
    content = adapter.dump_python(adapter.validate_python(data), by_alias=True)
    return HttpResponse(
        json.dumps(content, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )


def answer(
    request: HttpRequest,
    response: HttpResponse,
    *,
    validators: Callable[[], Validators],
    build: Callable[[], object],
    schema,
    params: Iterable[str] = (),
):
    """A public GET's answer (see the module's docstring): `validators` are read first (a 304
    costs nothing more), `build` makes the data `schema` (the endpoint's answer type)
    describes; `params` are the query
    parameters the endpoint reads."""
    keep = page_cache.can_keep(request, params)
    if keep:
        kept = page_cache.serve(request, params)
        if kept is not None:
            return kept
    found = validators()
    unchanged = found.not_modified(request)
    if unchanged is not None:
        return unchanged
    if keep and found.last_modified is not None:
        return page_cache.render_and_keep(
            request,
            lambda: _json(schema, build()),
            depends_on=found.names,
            fresh_until=found.fresh_until,
            last_modified=found.last_modified,
            etag_base=found.etag_base,
        )
    found.apply(request, response)
    return build()
