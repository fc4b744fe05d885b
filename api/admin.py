"""API tokens in the admin: created (the token shown once, on the page that follows, never in
a message or a cookie), listed by prefix and last use, revoked. Superusers manage everyone's;
anyone else holding the permissions only their own."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import tokens
from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used_at", "expires_at", "state"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created", "last_used_at", "revoked_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["name", "user", "prefix", "created", "expires_at", "last_used_at", "revoked_at"]
        return (
            ["name", "user", "expires_at"] if request.user.is_superuser else ["name", "expires_at"]
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A token's owner and expiry are what it was issued with: revoke it and make another.
        return [*self.readonly_fields, "user", "expires_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "user" in form.base_fields:
            form.base_fields["user"].queryset = form.base_fields["user"].queryset.filter(
                is_staff=True, is_active=True
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            if not request.user.is_superuser:
                obj.user = request.user
            request.api_token_raw = tokens.token_issue(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The token, once: on this page, not stored anywhere it could be read again."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Your new API token"),
            "token": obj,
            "raw_token": request.api_token_raw,
        }
        response = TemplateResponse(request, "admin/api/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked_at:
            return _("revoked")
        if obj.expires_at and obj.expires_at <= timezone.now():
            return _("expired")
        return _("active")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.tokens_revoke(tokens=queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
