"""The fediverse in the admin: our actors switched on or off by editors, remote actors and
servers blocked by moderators, followers, deliveries and received activities as records.
Every action goes through fediverse.services and checks its own permission."""

import json

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_lists import ReadOnlyAdminMixin
from fediverse import actors, documents, selectors, services
from fediverse.models import (
    BlockedDomain,
    Delivery,
    Follower,
    InboxItem,
    LocalActor,
    RemoteActor,
)


@admin.register(LocalActor)
class LocalActorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "handle", "enabled", "follower_count"]
    list_filter = ["kind", "enabled"]
    fields = ["kind", "author", "handle", "enabled"]
    readonly_fields = ["kind", "author", "handle"]
    actions = ["switch_on", "switch_off"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        actors.magazine_actor()  # the magazine is always listed, even before any peer asked
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("handle"))
    def handle(self, obj):
        return "@" + documents.handle(obj)

    @admin.display(description=_("followers"))
    def follower_count(self, obj):
        return obj.followers.filter(remote__blocked=False).count()

    def _switch(self, request, queryset, enabled: bool, message: str):
        for actor in queryset:
            services.local_actor_set_enabled(actor=actor, enabled=enabled)
        self.message_user(request, message % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Switch on for the fediverse"), permissions=["change"])
    def switch_on(self, request, queryset):
        self._switch(request, queryset, True, _("%(count)s actors switched on."))

    @admin.action(description=_("Switch off for the fediverse"), permissions=["change"])
    def switch_off(self, request, queryset):
        self._switch(request, queryset, False, _("%(count)s actors switched off."))

    def save_model(self, request, obj, form, change):
        services.local_actor_set_enabled(actor=obj, enabled=obj.enabled)


@admin.register(RemoteActor)
class RemoteActorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name", "domain", "blocked", "fetched_at"]
    list_filter = ["blocked"]
    search_fields = ["uri", "preferred_username", "name", "domain"]
    fields = ["uri", "preferred_username", "name", "profile_url", "domain", "blocked"]
    readonly_fields = ["uri", "preferred_username", "name", "profile_url", "domain", "blocked"]
    actions = ["block", "unblock", "export_data", "erase_data"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Export their data (JSON)"), permissions=["change"])
    def export_data(self, request, queryset):
        data = [selectors.remote_actor_export(remote) for remote in queryset]
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="fediverse-actors.json"'
        return response

    @admin.action(description=_("Erase their data"), permissions=["delete"])
    def erase_data(self, request, queryset):
        count = len(queryset)
        for remote in queryset:
            services.remote_actor_erase(remote=remote)
        self.message_user(
            request,
            ngettext("%(count)s actor's data erased.", "%(count)s actors' data erased.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Block: refuse their activities, remove their follows"),
        permissions=["change"],
    )
    def block(self, request, queryset):
        for remote in queryset:
            services.remote_actor_block(remote=remote)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)s actor blocked.", "%(count)s actors blocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unblock"), permissions=["change"])
    def unblock(self, request, queryset):
        for remote in queryset:
            services.remote_actor_unblock(remote=remote)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)s actor unblocked.", "%(count)s actors unblocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(BlockedDomain)
class BlockedDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "note", "created"]
    search_fields = ["domain"]

    def save_model(self, request, obj, form, change):
        blocked = services.domain_block(domain=obj.domain, note=obj.note)
        obj.pk = blocked.pk


@admin.register(Follower)
class FollowerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["remote", "actor", "created"]
    list_filter = ["actor"]
    list_select_related = ["remote", "actor", "actor__author"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["activity_id", "inbox", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["activity_id", "inbox"]
    exclude = ["payload"]


@admin.register(InboxItem)
class InboxItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["domain", "status", "outcome", "created"]
    list_filter = ["status"]
    search_fields = ["domain", "key_id"]
    exclude = ["signed_text", "signature"]
