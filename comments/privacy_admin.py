"""The personal-data tools in the comments admin: export and erase, like WordPress's.

Both act on the people behind the selected comments: every distinct email address among them
(ignoring case), and then every comment of those addresses, selected or not.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.privacy import (
    Tally,
    found,
    personal_data_counts,
    personal_data_erase_each,
    personal_data_export,
)


def selected_emails(queryset) -> list[str]:
    """The distinct email addresses of the selected comments, one per address whatever its case."""
    emails: dict[str, str] = {}
    for email in queryset.exclude(author_email="").values_list("author_email", flat=True):
        emails.setdefault(email.strip().lower(), email.strip())
    return sorted(emails.values(), key=str.lower)


class PersonalDataActionsMixin:
    """Mixed into CommentAdmin; list "export_personal_data" and "erase_personal_data" in actions.

    Erasing is irreversible, so both actions ask for as much as deleting a comment does (and
    exporting shows everything about a person): change_comment and delete_comment, which the
    Moderators and Editors groups hold and Authors do not.
    """

    def has_personal_data_permission(self, request) -> bool:
        user = request.user
        return user.has_perm("comments.change_comment") and (
            user.is_superuser or user.has_perm("comments.delete_comment")
        )

    @admin.action(
        permissions=["personal_data"],
        description=gettext_lazy("Export personal data of the selected comments' authors"),
    )
    def export_personal_data(self, request, queryset):
        emails = selected_emails(queryset)
        if not emails:
            self._no_email_selected(request)
            return None
        exports = [personal_data_export(email=email, user=request.user) for email in emails]
        response = HttpResponse(
            json.dumps(exports, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        filename = f"personal-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    @admin.action(
        permissions=["personal_data"],
        description=gettext_lazy("Erase personal data of the selected comments' authors"),
    )
    def erase_personal_data(self, request, queryset):
        emails = selected_emails(queryset)
        if not emails:
            self._no_email_selected(request)
            return None
        if request.POST.get("post") == "yes":
            with transaction.atomic():
                erased = [
                    (email, found(personal_data_erase_each(email=email, user=request.user)))
                    for email in emails
                ]
            self.message_user(request, _erased_message(erased), messages.SUCCESS)
            return None  # Back to the changelist.

        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "subtitle": None,
            "opts": self.model._meta,
            # Each address with what erasing it changes, kind by kind (what this user may erase).
            "people": [
                (email, found(personal_data_counts(email=email, user=request.user)))
                for email in emails
            ],
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "erase_personal_data",
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/comments/erase_personal_data_confirmation.html", context
        )

    def _no_email_selected(self, request) -> None:
        self.message_user(
            request,
            _("None of the selected comments has an email address: there is nothing to do."),
            messages.WARNING,
        )


def _erased_message(erased: list[tuple[str, list[Tally]]]) -> str:
    """Each address with what was erased for it, kind by kind, on one line."""
    people = []
    for email, tallies in erased:
        done = ", ".join(f"{tally.label}: {tally.count}" for tally in tallies)
        people.append(f"{email} ({done or _('nothing')})")
    return _("Personal data erased: %(people)s.") % {"people": "; ".join(people)}
