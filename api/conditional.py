"""ETag and Last-Modified for the API's answers, and the 304 that saves sending them again.

The validators are built from the same versions that retire the site's kept pages: the blog's
content version (any save of an article, author, category, tag, correction or image), the
newest visible publication time (a scheduled article going live changes listings with no save),
an article's comments version (core.versions, bumped by every change readers see) and the
language the answer is written in. Nothing in an answer is personal, so every reader shares them.
"""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from blog import content_version
from blog.models import Article
from core import versions


class Validators:
    """An answer's ETag and Last-Modified, from the parts it depends on."""

    def __init__(self, parts: tuple, changed: tuple):
        language = translation.get_language()
        digest = hashlib.blake2b(repr((language, *parts)).encode(), digest_size=12).hexdigest()
        self.etag = quote_etag(digest)
        moments = [moment for moment in changed if moment is not None]
        # Unknown (the cache lost when a version moved): no Last-Modified rather than a wrong one.
        self.last_modified = int(max(moments)) if moments and None not in changed else None

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        """The 304 (or 412) answer when the client's copy is current, else None."""
        response = get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified
        )
        if response is not None:
            self.apply(response)
        return response

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        # Shared caches may keep it, and must ask again before reusing it.
        patch_cache_control(response, public=True, no_cache=True)
        return response


def _newest_publication() -> float | None:
    newest = (
        Article.objects.published().order_by("-publish_at").values_list("publish_at", flat=True)
    ).first()
    return newest.timestamp() if newest else None


def for_content(*parts) -> Validators:
    """Validators of an answer that shows the blog's public content (one query)."""
    newest = _newest_publication()
    return Validators(
        (content_version.content_version(), content_version.last_changed(), newest, *parts),
        (content_version.last_changed(), newest),
    )


def for_versions(names: list[str], *parts) -> Validators:
    """Validators of an answer that depends on these core.versions names (no query)."""
    found = versions.current(names)
    changed = tuple(versions.last_changed(name) for name in names)
    return Validators((tuple(found.items()), changed, *parts), changed)
