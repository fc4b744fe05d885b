"""Suspensions and bans of commenters: who may not comment now, and the writes that change it.

A suspension names a commenter (comments.identity: their account, the keyed hash of their
address, or of the fediverse actor that signs their replies) and/or an IP network, for a period
or for good; its end lifts it by itself (the query compares with now), a moderator may lift it
earlier. Every change is logged (moderation_log).

What the poster is told depends only on what they proved (DESIGN.md, invariant 8): a logged-in
account, the address this browser proved, or the network the request comes from is refused
with a neutral message, the text kept in the form. A typed address alone proves nothing: telling
whoever types it that it is suspended would say something about a stranger, so that comment is
taken like any other and goes quietly to spam, with the rule "suspended commenter".
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.identity import commenter_key
from comments.models import Comment, ModerationAction, Suspension
from core.client_address import valid_ip

REFUSAL = _("You cannot post comments at the moment.")


@dataclass(frozen=True)
class SuspensionCheck:
    refuse: bool = False  # the poster proved who they are (or it is their network): say no
    silent: bool = False  # only the typed address matches: take it, straight to spam


def _in_network(ip: str | None, network: str) -> bool:
    if not ip or not network:
        return False
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def suspension_check(
    *,
    user=None,
    email: str = "",
    proven_email: str = "",
    ip_address: str | None = None,
    actor_key: str = "",
) -> SuspensionCheck:
    """Whether a new comment from this poster is refused, silently spammed, or free: one query.
    `actor_key` is the key of the fediverse actor that signed a reply (comments.identity): as
    proved as an account."""
    authenticated = user is not None and user.is_authenticated
    typed = commenter_key(user_id=None, email=email)
    email = (email or "").strip().lower()
    proven = (
        commenter_key(user_id=None, email=email)
        if email and email == (proven_email or "").strip().lower()
        else ""
    )
    account = commenter_key(user_id=user.pk, email="") if authenticated else ""
    keys = {key for key in (typed, proven, account, actor_key) if key}
    active = list(
        Suspension.objects.active()
        .filter(Q(commenter__in=keys) | ~Q(ip_network=""))
        .values_list("commenter", "ip_network")
    )
    ip = valid_ip(ip_address)
    for key, network in active:
        if (key and key in (proven, account, actor_key)) or _in_network(ip, network):
            return SuspensionCheck(refuse=True)
    if typed and any(key == typed for key, _network in active):
        return SuspensionCheck(silent=True)
    return SuspensionCheck()


class Period:
    """The lengths a moderator picks from (days; None: for good)."""

    CHOICES = [
        ("1", _("One day")),
        ("7", _("One week")),
        ("30", _("One month")),
        ("ban", _("For good (ban)")),
    ]

    @staticmethod
    def end(choice: str, now=None):
        if choice == "ban":
            return None
        return (now or timezone.now()) + timedelta(days=int(choice))


def label_for(comment: Comment) -> str:
    """How moderators see whom a suspension names: the account, or the name typed, with the
    comment it came from; never the address."""
    who = comment.user.get_username() if comment.user_id else comment.display_name
    return f"{who} (#{comment.pk})"[:150]


def suspensions_lift(*, suspensions, moderator) -> int:
    """End suspensions now, before their time; logged."""
    with transaction.atomic():
        lifting = list(suspensions.filter(lifted_at__isnull=True))
        Suspension.objects.filter(pk__in=[s.pk for s in lifting]).update(lifted_at=timezone.now())
        if moderator is not None:
            ModerationAction.objects.bulk_create(
                ModerationAction(
                    comment_id=suspension.comment_id,
                    commenter=suspension.commenter,
                    moderator=moderator,
                    kind=ModerationAction.Kind.LIFTED,
                    note=suspension.reason[:200],
                )
                for suspension in lifting
            )
    return len(lifting)
