"""Section desks: who is told about a held comment, and the daily count of the others.

A moderator with a desk (SectionDesk: some categories) is told at once about comments held in
their sections only; what waits in other sections comes to them as one count a day
(desk_counts_send, run by the worker: comments.tasks.send_desk_counts). A moderator without a
desk is told about every held comment, as before desks. A section nobody's desk covers is not
left unseen: with no moderator free of a desk either, everyone is told.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from comments import mail, selectors
from comments.models import Comment
from core.mail import site_url, unique_addresses, users_with_permission

MODERATE_PERMISSION = "comments.change_comment"
# The queue's filter by section (comments.section_admin.SectionFilter).
SECTION_PARAMETER = "section"
ALL_SECTIONS = "all"


def held_addresses(category_id: int | None) -> list[str]:
    """Who is told at once about a comment held in this section: the moderators whose desk
    covers it and those without a desk (everyone, when that is nobody). Two queries."""
    users = list(users_with_permission(MODERATE_PERMISSION))
    desks = selectors.section_desks(user_ids=[user.pk for user in users])
    told = [user for user in users if user.pk not in desks or category_id in desks[user.pk]]
    return unique_addresses(told or users)


def desk_counts_send() -> int:
    """Tell each moderator with a desk how many comments wait outside their sections, per
    section (nothing when none wait); returns how many were told."""
    users = [user for user in users_with_permission(MODERATE_PERMISSION)]
    desks = selectors.section_desks(user_ids=[user.pk for user in users])
    if not desks:
        return 0
    waiting = selectors.pending_by_section()
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        queue = reverse("admin:comments_comment_changelist")
        queue_url = site_url(
            f"{queue}?status__exact={Comment.Status.PENDING}&{SECTION_PARAMETER}={ALL_SECTIONS}"
        )
        told = set()
        for user in users:
            desk = desks.get(user.pk)
            address = user.email.strip().lower()
            if not desk or address in told:
                continue
            others = sorted(
                (name if pk is not None else gettext("Without a section"), count)
                for pk, (name, count) in waiting.items()
                if pk not in desk
            )
            total = sum(count for _name, count in others)
            if not total:
                continue
            told.add(address)
            context = {
                "site_name": settings.SITE_NAME,
                "total": total,
                "sections": others,
                "queue_url": queue_url,
            }
            messages.append(mail.render_message("desk_count", user.email, context))
    return _send(messages)


def _send(messages: list[EmailMessage]) -> int:
    for message in messages:
        message.send(using=mail.MAILER)
    return len(messages)
