"""A full-page cache for anonymous readers: whole pages kept in the shared cache, served as bytes.

A page every anonymous reader gets alike is rendered once, kept under its address, host and
language, and served again without a query or a template while the versions it was rendered
under (core.versions: the blog's content, the article's comments, ...) have not moved and the
moment it said it would change by itself (a scheduled article going live, comments closing) has
not come.

What differs from one visitor to the next is never kept. A page holds two such things, both in
its forms: the CSRF token and the bot check's signed, single-use timestamp. While a page is
rendered to be kept, each is written as a hole (`hole()`): a marker made of letters and digits,
random for that render, that records what fills it. The kept copy is the text between the
holes; serving it joins that text with values made for this visitor (their own CSRF token,
a fresh timestamp), so a reader without JavaScript posts the form as before. A render that
reached for anything personal anyway (a CSRF token outside a hole, a session it changed, a
cookie it set, a CSP nonce) is served to its visitor but not kept. A page is kept under two
keys: what a reader accepting gzip needs (the compressed text, the checksums of its pieces, the
holes), and the text itself, read only for a client that does not accept gzip.

Who is an anonymous reader is decided here and nowhere else (`is_anonymous_reader`): GET and
HEAD from a visitor who is not logged in and sends no cookie but the CSRF and language ones (a
session, a flash message, a remembered commenter all make the page theirs). Such a reader is
served from the cache at an address whose query holds only the parameters the view names
(`can_keep`); blog.conditional gives the same readers ETags and 304s at any address, and nobody
else either. The ETag is one per page and encoding: made from what the page depends on
(`etag_base`, given by the view) and the visitor's CSRF secret, whether the page is served kept
or rendered.
"""

import hashlib
import secrets
import time
import zlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.module_loading import import_string

from core import compression, versions

DEFAULTS = {
    # Off: every page renders (the ETag/304 answers still work).
    "PAGE_CACHE_ENABLED": True,
    # How long a kept page may live at most. Versions retire pages at once; this only bounds
    # the memory they take and anything a page shows that no version covers.
    "PAGE_CACHE_SECONDS": 600,
}

# Filled by every template render: a kept page carries a hole instead of the visitor's token.
CSRF_FILLER = "django.middleware.csrf.get_token"
_KEY_PREFIX = "page:"


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


class _Recording:
    """The holes of one render that is to be kept."""

    def __init__(self):
        self.run = secrets.token_hex(6)  # content cannot guess it, so cannot fake a hole
        self.holes: list[tuple[str, tuple]] = []
        self.marker = f"pagecachehole{self.run}x"

    def add(self, filler: str, args: tuple) -> str:
        self.holes.append((filler, args))
        return f"{self.marker}{len(self.holes) - 1}y"

    def split(self, body: bytes) -> list[bytes]:
        """`body` cut at each hole: text, hole index, text, ..., text. A search for the marker's
        bytes skips ahead by its length; a regular expression stopped at every "p" of a page
        that can be a megabyte of comments."""
        marker = self.marker.encode()
        parts, start = [], 0
        while (at := body.find(marker, start)) != -1:
            end = body.index(b"y", at + len(marker))
            parts += (body[start:at], body[at + len(marker) : end])
            start = end + 1
        parts.append(body[start:])
        return parts


_recording: ContextVar[_Recording | None] = ContextVar("page_cache_recording", default=None)


def hole(filler: str, *args) -> str | None:
    """While a page is rendered to be kept: a marker that `filler(request, *args)` (a dotted
    path; args are plain values) will replace for each visitor. Otherwise None: render the value.
    """
    recording = _recording.get()
    return None if recording is None else recording.add(filler, args)


def csrf_placeholder(request) -> dict:
    """Context processor (after Django's own csrf one): the token is a hole in a kept page."""
    placeholder = hole(CSRF_FILLER)
    return {} if placeholder is None else {"csrf_token": placeholder}


@memoize
def _filler(path: str) -> Callable:
    return import_string(path)


# Who may be served a kept page.


def _cookies_allowed() -> frozenset:
    return frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def _reads_without_cookies(request: HttpRequest) -> bool:
    """A GET or HEAD sending no cookie but the CSRF and language ones: no session cookie, so
    nobody is logged in (the only login is a session's), decided before authentication."""
    return request.method in ("GET", "HEAD") and set(request.COOKIES) <= _cookies_allowed()


def is_anonymous_reader(request: HttpRequest) -> bool:
    """The one rule for who reads the public pages as everyone does: a GET or HEAD, not logged
    in, sending no cookie but the CSRF and language ones. Only such readers get validators and
    kept pages; everyone else gets a page rendered for them."""
    user = getattr(request, "user", None)  # none on a request refused before authentication
    return user is not None and not user.is_authenticated and _reads_without_cookies(request)


def can_keep(request: HttpRequest, params: Iterable[str] = ()) -> bool:
    """Whether this request may be answered from (and its page kept in) the page cache: an
    anonymous reader at an address whose query holds only `params`."""
    return (
        setting("PAGE_CACHE_ENABLED")
        and is_anonymous_reader(request)
        and set(request.GET) <= set(params)
    )


def _key(request: HttpRequest) -> str:
    address = "|".join(
        (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
        )
    )
    return _KEY_PREFIX + hashlib.blake2b(address.encode(), digest_size=20).hexdigest()


def _text_key(request: HttpRequest) -> str:
    return _key(request) + ":text"


def csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret the page's tokens are made from: after a render that took a token, the
    one the response's cookie will carry; before it, the one the browser sent."""
    return request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")


def etag(etag_base: str, request: HttpRequest) -> str:
    """The page's one ETag (quoted): what it depends on (`etag_base`, from the view) and the
    visitor's CSRF secret, since the page embeds tokens made from it: a copy is theirs alone."""
    seed = f"{etag_base}:{csrf_secret(request)}"
    return quote_etag(hashlib.blake2b(seed.encode(), digest_size=16).hexdigest())


def _etag(entry: dict, request: HttpRequest) -> str:
    return etag(entry["etag_base"], request)


def _current(entry: dict) -> bool:
    if entry["fresh_until"] is not None and time.time() >= entry["fresh_until"]:
        return False
    return versions.current(list(entry["versions"])) == entry["versions"]


def _values(request: HttpRequest, entry: dict) -> list[bytes]:
    """This visitor's values, one for each hole in the page's order (each hole's made once)."""
    made = {}
    for hole_index in entry["holes_at"]:
        if hole_index not in made:
            filler, args = entry["holes"][hole_index]
            made[hole_index] = _filler(filler)(request, *args).encode(entry["charset"])
    return [made[hole_index] for hole_index in entry["holes_at"]]


def _joined(texts: list[bytes], values: list[bytes]) -> bytes:
    """The kept text with this visitor's values between its pieces."""
    pieces = [texts[0]]
    for value, text in zip(values, texts[1:], strict=True):
        pieces += (value, text)
    return b"".join(pieces)


def _gzipped(entry: dict, values: list[bytes]) -> bytes:
    """The stored gzip with the values spliced in; its checksum from the text's, kept with it,
    so a hit never reads the uncompressed page."""
    crc, size = entry["crcs"][0], entry["sizes"][0]
    for value, text_crc, text_size, shift in zip(
        values, entry["crcs"][1:], entry["sizes"][1:], entry["shifts"][1:], strict=True
    ):
        crc = compression.crc32_combine(zlib.crc32(value, crc), text_crc, shift)
        size += len(value) + text_size
    return compression.gzip_assembled(entry["gzip"], values, crc, size)


def _respond(
    request: HttpRequest, entry: dict, texts: list[bytes] | None = None
) -> HttpResponse | None:
    """The kept page with this visitor's values in its holes (a 304 if their copy is current),
    gzipped as it was kept for a client that accepts it. The uncompressed text is read (second
    cache key) only for a client that does not; None if it is gone (render the page)."""
    wants_gzip = compression.accepts_gzip(request)
    if wants_gzip and entry["gzip"] is None and entry.get("compressible"):
        # Kept for a client that took it plain: the first one accepting gzip compresses it,
        # once, for all who follow.
        texts = texts if texts is not None else cache.get(_text_key(request))
        if texts is None:
            return None
        _compress(entry, texts)
        cache.set(_key(request), entry, timeout=setting("PAGE_CACHE_SECONDS"))
    gzipped = wants_gzip and entry["gzip"] is not None
    # One ETag per encoding, as GZipMiddleware makes it for a rendered page: weak when gzipped.
    page_etag = _etag(entry, request)
    unchanged = get_conditional_response(
        request, etag=page_etag, last_modified=entry["last_modified"]
    )
    if unchanged is not None:
        return unchanged
    if not gzipped and texts is None:
        texts = cache.get(_text_key(request))
        if texts is None:
            return None
    values = _values(request, entry)
    if gzipped:
        response = HttpResponse(_gzipped(entry, values))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(_joined(texts, values))
    response.status_code = entry["status"]
    for header, value in entry["headers"]:
        response[header] = value
    # After the fill: a first visit's token came with a new secret, which the ETag must know.
    response["ETag"] = ("W/" if gzipped else "") + _etag(entry, request)
    response["Last-Modified"] = http_date(entry["last_modified"])
    patch_cache_control(response, no_cache=True)  # stored, but asked about every time
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _kept_entry(request: HttpRequest) -> dict | None:
    entry = cache.get(_key(request))
    return entry if entry is not None and _current(entry) else None


def serve(request: HttpRequest, params: Iterable[str] = ()) -> HttpResponse | None:
    """The kept page for this request, if there is a current one; else None (render it)."""
    if not can_keep(request, params) or getattr(request, _LOOKED_UP, False):
        return None  # KeptPagesMiddleware already looked, and found none
    entry = _kept_entry(request)
    return None if entry is None else _respond(request, entry)


_LOOKED_UP = "page_cache_looked_up"


class KeptPagesMiddleware:
    """A kept page answered before the session, authentication, messages, URL resolution and
    the view: one cache read for the page and one for its versions, the visitor's values filled
    in, the stored gzip sent. Placed after what a kept page's answer needs (the host from
    SITE_URL, the language, the CSRF cookie) and inside every middleware that adds a header.

    A page is kept under its address only where its view allowed it (can_keep, with the query
    parameters it reads), so a page found here is one the view would serve from the cache as
    well; for everything else the request goes on as before, and the view does not look again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if setting("PAGE_CACHE_ENABLED") and _reads_without_cookies(request):
            entry = _kept_entry(request)
            response = None if entry is None else _respond(request, entry)
            if response is not None:
                # The page is this one only for a visitor without a session: say it to caches,
                # as the session middleware does for a rendered page.
                patch_vary_headers(response, ["Cookie"])
                return response
            setattr(request, _LOOKED_UP, True)
        return self.get_response(request)


# Smaller pages gain less than the gzip frame costs (GZipMiddleware's threshold too).
MIN_COMPRESSED_SIZE = 200

_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def _keepable(request: HttpRequest, response: HttpResponse, body: bytes) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (hasattr(request, "session") and request.session.modified)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and b'nonce="' not in body
    )


def _compress(entry: dict, texts: list[bytes]) -> None:
    """The kept page's gzip, with what splicing a visitor's values into it needs."""
    entry["gzip"] = compression.gzip_segments(texts)
    entry["crcs"] = [zlib.crc32(text) for text in texts]
    entry["sizes"] = [len(text) for text in texts]
    entry["shifts"] = [compression.crc32_shift(len(text)) for text in texts]


def render_and_keep(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    depends_on: Iterable[str],
    fresh_until: float | None = None,
    last_modified: int,
    etag_base: str,
) -> HttpResponse:
    """Render the page with holes for what is personal, keep it if nothing else was, and answer
    this visitor from it. `depends_on` names the versions (core.versions) whose move retires
    the page; `fresh_until` is when it changes by itself (a timestamp), if ever; `last_modified`
    and `etag_base` are the page's validators, the same a rendered page gets (blog.conditional).

    Call it only where can_keep(request, params) holds and the view found nothing personal.
    """
    # Read before rendering: a change while the page renders leaves it already out of date.
    page_versions = {name: versions.version(name) for name in depends_on}
    recording = _Recording()
    token = _recording.set(recording)
    try:
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        _recording.reset(token)
    body = response.content
    parts = recording.split(body)  # text, hole index, text, ..., text
    texts = parts[::2]
    entry = {
        "charset": response.charset,
        "holes": recording.holes,
        "holes_at": [int(index) for index in parts[1::2]],
        "status": response.status_code,
        "headers": [(name, response[name]) for name in _KEPT_HEADERS if name in response],
        "versions": page_versions,
        "fresh_until": fresh_until,
        "last_modified": last_modified,
        "etag_base": etag_base,
        # Compressed once, here or for the first reader accepting gzip; a hit splices the
        # visitor's values in (core.compression).
        "gzip": None,
    }
    if not _keepable(request, response, body):
        # This visitor's page alone: their values in the holes, nothing kept, no validators.
        response.content = _joined(texts, _values(request, entry))
        return response
    entry["compressible"] = len(body) >= MIN_COMPRESSED_SIZE
    if entry["compressible"] and compression.accepts_gzip(request):
        _compress(entry, texts)
    # Two keys: what a gzip reader needs (most readers), and the text as bytes for the others.
    timeout = setting("PAGE_CACHE_SECONDS")
    cache.set_many({_key(request): entry, _text_key(request): texts}, timeout=timeout)
    return _respond(request, entry, texts)


class PublicPagesGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (a random-length name in each gzip header against BREACH) for
    the pages of anonymous readers only, never one marked private: see core.compression for
    which pages hold a secret. A kept page comes already compressed and is left as it is."""

    def process_response(self, request, response):
        if not is_anonymous_reader(request) or "private" in response.get("Cache-Control", ""):
            return response
        return super().process_response(request, response)
