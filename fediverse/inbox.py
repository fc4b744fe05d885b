"""Our inboxes (each actor's and the shared one): the cheap checks, in the request.

What can be checked without the sender's key is checked here, before anything is stored: the
size, the rate per client address (and whether the named server has used up its budget), the
blocks, the Date window (or RFC 9421's `created`), the Digest or Content-Digest against the
body, the shape of the signature (draft-cavage or RFC 9421). The activity is then kept with
the text its signature covers, and a task (fediverse.inbox_tasks) fetches the key, verifies,
counts the verified server's rate, and acts: no request waits on another server.
"""

import base64
import json

from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import ratelimit
from core.client_address import client_ip
from fediverse import actors, conf, inbox_tasks, message_signatures, services, signatures
from fediverse.models import InboxItem

# Activities one client address may post before any signature is verified.
ADDRESS_LIMIT = ratelimit.PerAddress(
    "fediverse:inbox",
    conf,
    "FEDIVERSE_INBOX_ADDRESS_RATE_LIMIT",
    "FEDIVERSE_INBOX_ADDRESS_RATE_WINDOW",
)


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


def _signature(request) -> signatures.Signature | message_signatures.MessageSignature:
    """The request's signature as read, before any key is known: RFC 9421 when the request
    has a Signature-Input, else draft-cavage."""
    try:
        if "Signature-Input" in request.headers:
            signature = message_signatures.parse(
                request.headers["Signature-Input"], request.headers.get("Signature", "")
            )
            message_signatures.check_covers_post(signature)
        else:
            signature = signatures.parse(request.headers.get("Signature", ""))
            signatures.check_covers_post(signature)
    except signatures.SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    return signature


def _signed_text(request, signature, body: bytes) -> str:
    """The time and the body's digest checked, and the text the signature covers."""
    window = conf.get("FEDIVERSE_SIGNATURE_WINDOW")
    try:
        host = request.get_host()
    except DisallowedHost:
        raise InboxRefusal(400, "not our host") from None
    try:
        if isinstance(signature, message_signatures.MessageSignature):
            message_signatures.check_created(signature, window=window)
            message_signatures.check_content_digest(request.headers.get("Content-Digest"), body)
            message = message_signatures.Message.from_request(request)
            return message_signatures.signature_base(message, signature)
        if "(created)" in signature.headers:
            signatures.check_created(signature, window=window)
        else:
            signatures.check_date(request.headers.get("Date"), window=window)
        if "digest" in signature.headers:
            signatures.check_digest(request.headers.get("Digest"), body)
        if "content-digest" in signature.headers:
            message_signatures.check_content_digest(request.headers.get("Content-Digest"), body)
        return signatures.signing_string(
            signature.headers,
            method=request.method,
            path=request.get_full_path(),
            values=_HeaderValues(request, host, signature.pseudo_headers()),
        )
    except signatures.SignatureError as error:
        raise InboxRefusal(401, str(error)) from None


def _within_rate(request, domain: str) -> None:
    """Before any key is fetched only the client's address is counted: the server a keyId
    names is not known to have sent anything yet (anyone can name any server), so its budget
    is only read here and counted by the task once the signature is verified. A server over
    its budget is told 429 (it will try again later); a forged keyId naming it costs it
    nothing."""
    if not ADDRESS_LIMIT.allow(client_ip(request)):
        raise InboxRefusal(429, "too many activities from this address")
    limit = conf.get("FEDIVERSE_INBOX_RATE_LIMIT")
    if ratelimit.reached(inbox_tasks.server_rate_key(domain), limit=limit):
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
    _within_rate(request, signature.key_domain)
    if services.is_domain_blocked(signature.key_domain):
        return None
    signed_text = _signed_text(request, signature, body)
    _activity(body)
    return InboxItem.objects.create(
        domain=signature.key_domain,
        key_id=signature.key_id[:500],
        signed_text=signed_text,
        signature=base64.b64encode(signature.signature).decode(),
        body=body.decode("utf-8", errors="replace"),
    )


class _HeaderValues:
    def __init__(self, request, host: str, pseudo: dict):
        self.request = request
        self.host = host
        self.pseudo = pseudo

    def get(self, name: str):
        if name == "host":
            return self.host
        if name.startswith("("):
            return self.pseudo.get(name)
        return self.request.headers.get(name)
