"""The editors' inbox: read/unread, assigned, replied; opening a message marks it read."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contact.models import ContactMessage
from contact.services import contact_message_assign, contact_message_mark


class RepliedFilter(admin.SimpleListFilter):
    title = _("replied")
    parameter_name = "replied"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(replied_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(replied_at__isnull=True)
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "created", "is_read", "assigned_to", "replied_at"]
    list_filter = ["is_read", RepliedFilter, "assigned_to", "created"]
    list_select_related = ["assigned_to"]
    search_fields = ["subject", "message", "name", "email"]
    date_hierarchy = "created"
    fields = [
        "name",
        "email",
        "subject",
        "message",
        "created",
        "ip_address",
        "is_read",
        "assigned_to",
        "replied_at",
    ]
    readonly_fields = ["name", "email", "subject", "message", "created", "ip_address"]
    autocomplete_fields = ["assigned_to"]
    actions = ["mark_read", "mark_unread", "mark_replied", "assign_to_me"]

    def has_add_permission(self, request):
        return False  # messages arrive through the form only

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.has_change_permission(request):
            message = self.get_object(request, object_id)
            if message is not None and not message.is_read:
                contact_message_mark(message=message, read=True)
        return super().change_view(request, object_id, form_url, extra_context)

    def _done(self, request, count):
        self.message_user(
            request,
            ngettext("%(count)d message updated.", "%(count)d messages updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as read"), permissions=["change"])
    def mark_read(self, request, queryset):
        for message in queryset:
            contact_message_mark(message=message, read=True)
        self._done(request, len(queryset))

    @admin.action(description=_("Mark as unread"), permissions=["change"])
    def mark_unread(self, request, queryset):
        for message in queryset:
            contact_message_mark(message=message, read=False)
        self._done(request, len(queryset))

    @admin.action(description=_("Mark as replied"), permissions=["change"])
    def mark_replied(self, request, queryset):
        for message in queryset.filter(Q(replied_at__isnull=True)):
            contact_message_mark(message=message, replied=True)
        self._done(request, len(queryset))

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        for message in queryset:
            contact_message_assign(message=message, user=request.user)
        self._done(request, len(queryset))
