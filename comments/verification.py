"""Commenter addresses that have proved themselves, for "approve returning commenters".

WordPress approves a comment when an earlier one under the same typed email was approved, so
whoever knows a regular's address skips moderation. Here a typed address counts only when the
browser posting it has proved it owns it: it followed a confirmation link sent to that address,
which left a signed cookie naming the address's row (a number, never the address). A logged-in
user counts through their account. A stranger typing a regular's address has neither: held.

When a comment is held while that rule is on and its address is not proved by the browser, the
address is sent one link (at most once a day per address, COMMENTS_PROOF_MAILS_PER_MAILBOX a day
per mailbox with `+tag`s and case folded, and COMMENTS_PROOF_MAILS_PER_CLIENT an hour per client
address, so nobody can use the form to flood a stranger's inbox; the comment is taken the same).
The link opens a page with a button: mail scanners that fetch links confirm nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from comments import conf, discussion, mail
from comments.models import Comment, CommenterAddress
from core import ratelimit
from core.mail import site_url
from core.privacy import iso

logger = logging.getLogger(__name__)

SIGNING_SALT = "comments.address-confirmation"
LINK_MAX_AGE = timedelta(days=7)
ASK_AGAIN_AFTER = timedelta(days=1)
PROOF_COOKIE = "comments_proof"
PROOF_SALT = "comments.address-proof"
PROOF_MAX_AGE = timedelta(days=365)
CLIENT_LIMIT = ratelimit.PerAddress(
    "comments-proof", conf, "COMMENTS_PROOF_MAILS_PER_CLIENT", "COMMENTS_PROOF_CLIENT_WINDOW"
)
MAILBOX_CAP = ratelimit.PerMailbox(
    "comments-proof", conf, "COMMENTS_PROOF_MAILS_PER_MAILBOX", "COMMENTS_MAILBOX_WINDOW"
)


def is_returning_commenter(*, email: str, user=None, proven_email: str = "") -> bool:
    """An earlier approved comment from the same proven person: their account when logged in,
    otherwise the typed address when this browser has proved it (see proven_email())."""
    if user is not None and user.is_authenticated:
        return Comment.objects.public().filter(user=user).exists()
    email = mail.normal_email(email)
    if not email or email != mail.normal_email(proven_email):
        return False
    return Comment.objects.public().filter(author_email__iexact=email).exists()


def proven_email(request) -> str:
    """The address this browser proved by following a confirmation link, or ""."""
    pk = request.get_signed_cookie(PROOF_COOKIE, default=None, salt=PROOF_SALT)
    if not pk or not pk.isdigit():
        return ""
    address = CommenterAddress.objects.filter(pk=int(pk), confirmed_at__isnull=False).first()
    return address.email if address is not None else ""


def remember_proof(response, address: CommenterAddress) -> None:
    response.set_signed_cookie(
        PROOF_COOKIE,
        str(address.pk),
        salt=PROOF_SALT,
        max_age=int(PROOF_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def make_token(address: CommenterAddress) -> str:
    return signing.dumps(address.pk, salt=SIGNING_SALT)


def read_token(token: str) -> CommenterAddress | None:
    try:
        pk = signing.loads(token, salt=SIGNING_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return CommenterAddress.objects.filter(pk=pk).first()


def address_confirm(*, address: CommenterAddress) -> CommenterAddress:
    """Record that the owner of the address followed the link sent to it."""
    with transaction.atomic():
        updated = CommenterAddress.objects.filter(pk=address.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if updated:
            address.refresh_from_db(fields=["confirmed_at"])
    return address


def address_mark_confirmed(*, email: str) -> CommenterAddress | None:
    """Another proof of the same kind (a followed opt-in link sent to the address)."""
    email = mail.normal_email(email)
    if not email:
        return None
    address, _ = CommenterAddress.objects.get_or_create(email=email)
    return address_confirm(address=address)


def address_confirmation_request(*, comment: Comment, proven_email: str = "") -> bool:
    """Send the held comment's address a confirmation link, if that would change anything.

    Called after commit. Returns whether a message went out; a failure is logged, not raised.
    """
    email = mail.normal_email(comment.author_email)
    if not email or comment.user_id is not None or email == mail.normal_email(proven_email):
        return False
    if not discussion.current().auto_approve_returning:
        return False
    with transaction.atomic():
        address, _ = CommenterAddress.objects.select_for_update().get_or_create(email=email)
        now = timezone.now()
        if address.asked_at and now - address.asked_at < ASK_AGAIN_AFTER:
            return False
        address.asked_at = now
        address.save(update_fields=["asked_at"])
    if not (CLIENT_LIMIT.allow(comment.ip_address) and MAILBOX_CAP.allow(email)):
        logger.info("Address confirmation for comment %s not sent: mail limit", comment.pk)
        return False
    link = site_url(reverse("comments:confirm-address", args=[make_token(address)]))
    with translation.override(settings.LANGUAGE_CODE):
        message = mail.render_message(
            "confirm_address",
            comment.author_email,
            {"site_name": settings.SITE_NAME, "confirm_url": link, "days": LINK_MAX_AGE.days},
        )
    try:
        message.send(using=mail.MAILER)
    except Exception:
        logger.exception("Could not send the address confirmation for comment %s", comment.pk)
        return False
    return True


def export_addresses(email: str) -> list[dict]:
    return [
        {
            "email": a.email,
            "asked_at": iso(a.asked_at),
            "confirmed_at": iso(a.confirmed_at),
        }
        for a in CommenterAddress.objects.filter(email=mail.normal_email(email))
    ]


def erase_addresses(email: str) -> int:
    return CommenterAddress.objects.filter(email=mail.normal_email(email)).delete()[0]
