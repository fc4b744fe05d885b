"""Writes that carry the newsletter rules: double opt-in, confirmation, unsubscribe.

Views, the admin and tests call these. Email leaves through Django's mail API after commit, in
the subscriber's language; a failure to send is logged (without the address) and swallowed, so
the reader's request never fails on it and its answer never depends on it.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import ratelimit
from core.client_address import valid_ip
from core.mail import ListEmailMessage, site_url
from newsletter import conf, tokens
from newsletter.models import Delivery, Issue, Subscriber, normalise_email
from newsletter.rendering import issue_has_content, message_id, render_issue
from newsletter.tasks import start_issue
from newsletter.tokens import TokenInvalid, unsubscribe_url, unsubscribe_url_maker

logger = logging.getLogger(__name__)

MAILER = "default"
MAILBOX_CAP = ratelimit.PerMailbox(
    "newsletter", conf, "NEWSLETTER_MAILS_PER_ADDRESS", "NEWSLETTER_ADDRESS_WINDOW"
)

__all__ = [
    "IssueNotReady",
    "TokenInvalid",
    "issue_cancel",
    "issue_schedule",
    "issue_send_test",
    "subscriber_confirm",
    "subscriber_for_confirm",
    "subscriber_for_unsubscribe",
    "subscriber_request",
    "subscriber_unsubscribe",
    "unsubscribe_url",
    "unsubscribe_url_maker",
]


@transaction.atomic
def subscriber_request(
    *, email: str, ip_address: str | None, language: str, source: str = "footer"
) -> Subscriber:
    """Ask for the newsletter: double opt-in, with no disclosure.

    A new, pending or unsubscribed address becomes (or stays) pending and is sent a fresh
    confirmation link. A confirmed address is left as it is and its owner gets a short "you are
    already subscribed" note. Either way the caller cannot tell which case it was.
    """
    email = normalise_email(email)
    language = language or settings.LANGUAGE_CODE
    ip_address = valid_ip(ip_address)
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        email=email,
        defaults={"ip_address": ip_address, "language": language, "source": source},
    )
    if subscriber.status == Subscriber.Status.CONFIRMED:
        kind = "already_subscribed"
        # The same write as for any other address (the answer's timing must not tell which
        # case it was); the consent on record is kept as it was.
        subscriber.save()
    else:
        kind = "confirm"
        if not created:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.confirmed_at = None
            subscriber.ip_address = ip_address
            subscriber.language = language
            subscriber.source = source
            subscriber.save()
    transaction.on_commit(lambda: _send(subscriber, kind))
    return subscriber


def _confirm_max_age() -> int:
    return conf.get("NEWSLETTER_CONFIRM_DAYS") * 24 * 3600


def subscriber_for_confirm(*, token: str) -> Subscriber:
    """Whom a confirmation link is for (TokenInvalid if nobody, or no longer): the page the link
    opens, which asks for a click before subscriber_confirm() (mail scanners follow links)."""
    pk, fingerprint = tokens.read_token(token, salt=tokens.CONFIRM_SALT, max_age=_confirm_max_age())
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if (
        subscriber is None
        or not tokens.matches(subscriber, fingerprint, salt=tokens.CONFIRM_SALT)
        or subscriber.status == Subscriber.Status.UNSUBSCRIBED
    ):
        raise TokenInvalid
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm, from the button of the page the confirmation link opens. Confirming again
    changes nothing; a link made before the reader unsubscribed no longer works (they sign up
    again)."""
    subscriber = _subscriber_for(token, salt=tokens.CONFIRM_SALT, max_age=_confirm_max_age())
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise TokenInvalid
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at", "updated"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Leave the list, from the link in any newsletter email. Idempotent."""
    subscriber = _subscriber_for(token, salt=tokens.UNSUBSCRIBE_SALT)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        if subscriber.status == Subscriber.Status.CONFIRMED:
            # A short confirmation, once: a pending address never asked for anything.
            transaction.on_commit(lambda: _send(subscriber, "unsubscribed"))
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated"])
    return subscriber


def subscriber_for_unsubscribe(*, token: str) -> Subscriber:
    """Whom an unsubscribe link is for (TokenInvalid if nobody): the page that asks first."""
    pk, fingerprint = tokens.read_token(token, salt=tokens.UNSUBSCRIBE_SALT)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or not tokens.matches(
        subscriber, fingerprint, salt=tokens.UNSUBSCRIBE_SALT
    ):
        raise TokenInvalid
    return subscriber


def confirm_url(subscriber: Subscriber) -> str:
    token = tokens.make_token(subscriber, salt=tokens.CONFIRM_SALT)
    return site_url(reverse("newsletter:confirm", args=[token]))


def _subscriber_for(token: str, *, salt: str, max_age: int | None = None) -> Subscriber:
    pk, fingerprint = tokens.read_token(token, salt=salt, max_age=max_age)
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
    if subscriber is None or not tokens.matches(subscriber, fingerprint, salt=salt):
        raise TokenInvalid
    return subscriber


def _send(subscriber: Subscriber, kind: str) -> None:
    try:
        if not MAILBOX_CAP.allow(subscriber.email):
            logger.info("Newsletter: subscriber %s has had enough mail for now", subscriber.pk)
            return
        _message(subscriber, kind).send(using=MAILER)
    except Exception:
        logger.exception(
            "Newsletter: could not send the %s email to subscriber %s", kind, subscriber.pk
        )


def _message(subscriber: Subscriber, kind: str) -> ListEmailMessage:
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        "site_name": settings.SITE_NAME,
        "home_url": site_url(reverse("blog:home")),
        "unsubscribe_url": unsubscribe,
        "confirm_days": conf.get("NEWSLETTER_CONFIRM_DAYS"),
    }
    # Signed for every kind, used by one: the same work whatever the address's state.
    context["confirm_url"] = confirm_url(subscriber)
    context["signup_url"] = site_url(reverse("newsletter:signup"))
    with translation.override(subscriber.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"newsletter/email/{kind}_subject.txt", context)
        body = render_to_string(f"newsletter/email/{kind}_body.txt", context)
    return ListEmailMessage(
        subject=" ".join(subject.split()),  # A header is one line.
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


class IssueNotReady(Exception):
    """An issue that cannot be sent (or cancelled) as asked; the message says why."""


@transaction.atomic
def issue_schedule(*, issue: Issue, send_at=None) -> Issue:
    """Send an issue at send_at (now if None): the worker starts it then. A scheduled issue may
    be rescheduled; one already going out may not."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
        raise IssueNotReady(_("This issue is already being sent or was sent."))
    if not issue_has_content(issue):
        raise IssueNotReady(_("This issue has no published article: there is nothing to send."))
    now = timezone.now()
    issue.send_at = max(send_at or now, now)
    issue.status = Issue.Status.SCHEDULED
    issue.note = ""
    issue.save(update_fields=["send_at", "status", "note", "updated"])
    task = start_issue
    if issue.send_at > now and task.get_backend().supports_defer:
        task = task.using(run_after=issue.send_at)
    pk = issue.pk
    transaction.on_commit(lambda: task.enqueue(pk))
    return issue


@transaction.atomic
def issue_cancel(*, issue: Issue) -> int:
    """Stop a scheduled issue, or one going out: whatever is not sent yet is not sent. Returns
    how many messages will not go out."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == Issue.Status.SCHEDULED:
        issue.status = Issue.Status.DRAFT
        issue.save(update_fields=["status", "updated"])
        return 0
    if issue.status != Issue.Status.SENDING:
        raise IssueNotReady(_("Only a scheduled issue or one being sent can be cancelled."))
    issue.status = Issue.Status.CANCELLED
    issue.finished_at = timezone.now()
    issue.note = gettext("Cancelled while sending.")
    issue.save(update_fields=["status", "finished_at", "note", "updated"])
    # Batches already out stop at their next check (newsletter.delivery).
    return Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SKIPPED, note=gettext("Sending cancelled")
    )


def issue_send_test(*, issue: Issue, email: str, language: str | None = None) -> None:
    """The issue as a subscriber will get it, to the editor's own address (through the mail
    queue, marked as a test in the subject)."""
    probe = Subscriber(pk=0, email=email, language=language or settings.LANGUAGE_CODE)
    rendered = render_issue(issue, language=probe.language)
    message = rendered.message_for(
        probe,
        unsubscribe_url=site_url(reverse("newsletter:signup")),
        message_id=message_id(issue.pk, 0).replace("@", f".test{int(timezone.now().timestamp())}@"),
    )
    label = gettext("Test")
    message.subject = f"[{label}] {message.subject}"
    message.send(using=MAILER)
