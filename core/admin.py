from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_lists import QuickSelectionMixin
from core.models import OutgoingEmail
from core.tasks import email_retry


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(QuickSelectionMixin, admin.ModelAdmin):
    """The mail queue's record: what went out, what waits for a retry, what failed for good."""

    list_display = ["subject", "status", "attempts", "created", "next_attempt_at", "sent_at"]
    list_filter = ["status", "created"]
    search_fields = ["subject", "recipients"]
    date_hierarchy = "created"
    actions = ["retry"]
    fields = [
        "subject",
        "recipients",
        "mailer",
        "status",
        "attempts",
        "created",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.action(permissions=["change"], description=_("Send the selected failed emails again"))
    def retry(self, request, queryset):
        count = email_retry(pks=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
