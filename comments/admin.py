from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """What arrives, at a glance. The moderation workflow builds on this."""

    list_display = ["excerpt", "author_name", "article", "depth_label", "status", "created"]
    list_filter = ["status", "article"]
    list_select_related = ["article"]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    date_hierarchy = "created"
    # Never a <select> of every comment as parent: raw ids and read-only tree fields.
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = [
        "body_html_preview",
        "ip_address",
        "user_agent",
        "created",
        "moderated_by",
        "moderated_at",
    ]
    fields = [
        "article",
        "parent",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "user",
        "body",
        "body_html_preview",
        "notify_on_reply",
        "ip_address",
        "user_agent",
        "created",
        "moderated_by",
        "moderated_at",
    ]

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("depth"), ordering="level")
    def depth_label(self, obj):
        return obj.depth

    @admin.display(description=_("as published"))
    def body_html_preview(self, obj):
        return format_html('<div class="comment-preview">{}</div>', obj.body_html)
