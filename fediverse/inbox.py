"""Our inboxes (each actor's and the shared one): the cheap checks, in the request.

What can be checked without the sender's key is checked here, before anything is stored: the
size, the rate per server, the blocks, the Date window, the Digest against the body, the shape
of the Signature. The activity is then kept with the text its signature covers, and a task
(fediverse.inbox_tasks) fetches the key, verifies, and acts: no request waits on another server.
"""

import base64
import json

from django.db import transaction
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import ratelimit
from fediverse import actors, conf, inbox_tasks, services, signatures
from fediverse.models import InboxItem


class InboxRefusal(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@csrf_exempt
@require_POST
def shared_inbox(request):
    return receive(request)


@csrf_exempt
@require_POST
def actor_inbox(request, who: str):
    if not conf.get("FEDIVERSE_ENABLED"):
        raise Http404
    actor = actors.by_path(who)
    if actor is None:
        raise Http404
    if not actor.enabled:
        return HttpResponse(status=410)
    return receive(request)


def receive(request) -> HttpResponse:
    if not conf.get("FEDIVERSE_ENABLED"):
        raise Http404
    try:
        item = _accept(request)
    except InboxRefusal as refusal:
        return HttpResponse(str(refusal), status=refusal.status, content_type="text/plain")
    if item is not None:
        pk = item.pk
        transaction.on_commit(lambda: inbox_tasks.process_inbox_item.enqueue(pk))
    return HttpResponse(status=202)


def _read_body(request) -> bytes:
    limit = conf.get("FEDIVERSE_MAX_ACTIVITY_BYTES")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise InboxRefusal(413, "activity too large")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise InboxRefusal(413, "activity too large")
    return body


def _signature(request) -> signatures.Signature:
    try:
        signature = signatures.parse(request.headers.get("Signature", ""))
        signatures.check_covers_post(signature)
    except signatures.SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    return signature


def _within_rate(domain: str) -> None:
    used = ratelimit.count(
        f"fediverse:inbox:{domain}", window=conf.get("FEDIVERSE_INBOX_RATE_WINDOW")
    )
    if used > conf.get("FEDIVERSE_INBOX_RATE_LIMIT"):
        raise InboxRefusal(429, "too many activities from this server")


def _activity(body: bytes) -> dict:
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past the stack
        raise InboxRefusal(400, "not JSON") from None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        raise InboxRefusal(400, "not an activity")
    return activity


def _accept(request) -> InboxItem | None:
    """The activity kept for the task, or None when it is dropped silently (a blocked server
    is not told)."""
    body = _read_body(request)
    signature = _signature(request)
    _within_rate(signature.key_domain)
    if services.is_domain_blocked(signature.key_domain):
        return None
    try:
        signatures.check_date(
            request.headers.get("Date"), window=conf.get("FEDIVERSE_SIGNATURE_WINDOW")
        )
        signatures.check_digest(request.headers.get("Digest"), body)
        signed_text = signatures.signing_string(
            signature.headers,
            method=request.method,
            path=request.get_full_path(),
            values=_header_values(request),
        )
    except signatures.SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    _activity(body)
    return InboxItem.objects.create(
        domain=signature.key_domain,
        key_id=signature.key_id[:500],
        signed_text=signed_text,
        signature=base64.b64encode(signature.signature).decode(),
        body=body.decode("utf-8", errors="replace"),
    )


class _HeaderValues:
    def __init__(self, request):
        self.request = request

    def get(self, name: str):
        if name == "host":
            return self.request.META.get("HTTP_HOST")
        return self.request.headers.get(name)


def _header_values(request):
    return _HeaderValues(request)
