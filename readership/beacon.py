"""The beacon: what the page sends (beacon.js, or the image for readers without JavaScript)
and what counts.

It answers 204 whatever it was sent, with no database query: every count goes to the shared
cache (readership.counting). Not counted: robots (bots.py), logged-in staff (staff.py),
visitors whose browser asks not to be tracked (Sec-GPC: 1 or DNT: 1), prefetches, previews
(the frame gives them no beacon), and anything that does not read as a page of ours.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.client_address import client_ip
from readership import counting
from readership.bots import is_bot
from readership.conf import KIND_MODELS, KINDS, setting
from readership.staff import is_staff_session

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
)
_LONG_NUMBER = re.compile(r"\d{6,}")
MAX_TERM_LENGTH = 100
_MAX_ID = 2**63 - 1


def refuses_tracking(request) -> bool:
    headers = request.headers
    return (
        headers.get("Sec-GPC", "").strip() == "1"
        or headers.get("DNT", "").strip() == "1"
        or headers.get("Sec-Purpose", "").startswith("prefetch")
        or headers.get("Purpose", "") == "prefetch"
    )


def counted(request) -> bool:
    return (
        setting("READERSHIP_ENABLED")
        and not refuses_tracking(request)
        and not is_bot(request.headers.get("User-Agent", ""))
        and not is_staff_session(request)
    )


def referrer_domain(value: str, own_host: str) -> str:
    """Only a domain, never an address: the script sends the hostname alone, and whatever
    else arrives is cut to one or dropped. Our own host is no referrer."""
    host = value.strip().lower().removeprefix("www.")
    if not _HOSTNAME.match(host) or host == own_host.lower().split(":")[0].removeprefix("www."):
        return ""
    return host


def search_term(value: str) -> str:
    """A term typed in the site search, as editors see it; one that looks like an email address
    or a phone or card number is personal and is dropped."""
    term = " ".join(value.split()).lower()[:MAX_TERM_LENGTH]
    if "@" in term or _LONG_NUMBER.search(term.replace(" ", "")):
        return ""
    return term


def _target(data) -> tuple[str, int] | None:
    kind = data.get("k", "")
    object_id = data.get("i", "0")
    if kind not in KINDS or not object_id.isdigit() or len(object_id) > 19:
        return None
    object_id = int(object_id) if kind in KIND_MODELS else 0
    if object_id > _MAX_ID or (kind in KIND_MODELS and object_id == 0):
        return None
    return kind, object_id


def _record(request, data) -> None:
    target = _target(data)
    if target is None:
        return
    kind, object_id = target
    if data.get("e") == counting.SCROLL:
        quarter = data.get("d", "")
        if quarter in ("1", "2", "3", "4"):
            counting.record_scroll(kind=kind, object_id=object_id, quarter=int(quarter))
        return
    host = request.get_host()
    day = timezone.localdate()
    digest = counting.visitor_digest(
        day=day,
        address=client_ip(request) or "",
        user_agent=request.headers.get("User-Agent", ""),
        host=host,
    )
    counting.record_view(
        kind=kind,
        object_id=object_id,
        digest=digest,
        day=day,
        referrer=referrer_domain(data.get("r", ""), host),
        term=search_term(data.get("q", "")) if kind == "search" else "",
    )


# navigator.sendBeacon carries no CSRF token, and a count is all a forged one could change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def hit(request):
    if counted(request):
        _record(request, request.POST if request.method == "POST" else request.GET)
    response = HttpResponse(status=204)
    patch_cache_control(response, no_store=True)
    return response


BEACON_PATH = "/r/v"


class BeaconMiddleware:
    """Answers the beacon before the middleware it does not need: no URL to resolve, no CSRF
    check (it is exempt), no user, session or messages loaded, nothing rendered. Placed in
    MIDDLEWARE after the host checks and the unreadable-request refusal, so a beacon is refused
    where any request would be; any method but GET and POST goes on to the usual 405 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == BEACON_PATH and request.method in ("GET", "POST"):
            return hit(request)
        return self.get_response(request)


# The frame: which page this is, from what the page shows (the same for every visitor).
_VIEW_KINDS = {
    "HomeView": "home",
    "CategoryView": "category",
    "TagView": "tag",
    "AuthorView": "author",
    "YearArchiveView": "archive",
    "MonthArchiveView": "archive",
    "SearchView": "search",
}


def page_target(context) -> tuple[str, int, str] | None:
    """(kind, object id, search term) of the page being rendered, or None: not counted."""
    if context.get("preview"):
        return None
    view = context.get("view")
    if view is not None:
        kind = _VIEW_KINDS.get(type(view).__name__, "listing")
        if kind in KIND_MODELS:
            return kind, context["object"].pk, ""
        return kind, 0, (context.get("query") or "") if kind == "search" else ""
    for kind in ("article", "page"):
        shown = context.get(kind)
        if shown is not None and getattr(shown, "_meta", None) and shown._meta.model_name == kind:
            return kind, shown.pk, ""
    return None


def frame_script(context) -> str:
    if not setting("READERSHIP_ENABLED"):
        return ""
    target = page_target(context)
    if target is None:
        return ""
    kind, object_id, term = target
    fields = {"k": kind, "i": object_id, **({"q": term} if term else {})}
    return render_to_string(
        "readership/beacon.html",
        {"kind": kind, "object_id": object_id, "term": term, "query": urlencode(fields)},
    )
