from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from newsletter import export
from newsletter.models import Subscriber, normalise_email


class SubscriberForm(forms.ModelForm):
    def clean_email(self):
        # Normalised before the uniqueness check, so "Anna@…" is refused when "anna@…" exists.
        return normalise_email(self.cleaned_data["email"])


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Who asked for the newsletter, and whether they confirmed. Exports follow the filters."""

    form = SubscriberForm
    list_display = ["email", "status", "created", "confirmed_at", "language", "source"]
    list_filter = ["status", "created", "confirmed_at", "language"]
    search_fields = ["email"]
    date_hierarchy = "created"
    readonly_fields = ["created", "updated", "confirmed_at", "unsubscribed_at", "ip_address"]
    fields = [
        "email",
        "status",
        "language",
        "source",
        "created",
        "updated",
        "confirmed_at",
        "unsubscribed_at",
        "ip_address",
    ]
    actions = ["export_csv"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    @admin.action(permissions=["view"], description=_("Export selected subscribers as CSV"))
    def export_csv(self, request, queryset):
        return export.csv_response(queryset)

    def export_view(self, request):
        """The button above the list: every subscriber the current filters and search show."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        return export.csv_response(changelist.get_queryset(request))
