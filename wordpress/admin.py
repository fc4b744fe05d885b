from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wordpress import admin_jobs  # noqa: F401 (registers the imports and the export)
from wordpress.models import OldPermalink


@admin.register(OldPermalink)
class OldPermalinkAdmin(admin.ModelAdmin):
    """The redirects an import stored: to look one up, repoint or delete it."""

    list_display = ["path", "target_display", "created"]
    search_fields = ["path"]
    raw_id_fields = ["article", "category", "tag", "author"]
    date_hierarchy = "created"

    @admin.display(description=_("redirects to"))
    def target_display(self, obj):
        return obj.target
