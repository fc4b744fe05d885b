"""The media library in the admin: a grid of thumbnails with search and filters, uploads of
many files at once, where each image is used, and deletion refused while it is used."""

from django.contrib import admin
from django.db.models import Count
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_lists import QuickSelectionMixin
from media import selectors, views
from media.models import Image


class UsageFilter(admin.SimpleListFilter):
    title = _("usage")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("no", _("Unused")), ("yes", _("Used"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(use_count=0)
        if self.value() == "yes":
            return queryset.filter(use_count__gt=0)
        return queryset


def can_manage(user) -> bool:
    """Editors change and delete any image; authors only what they uploaded."""
    return user.has_perm("media.manage_library")


@admin.register(Image)
class ImageAdmin(QuickSelectionMixin, admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "alt_text",
        "size",
        "uploaded_by",
        "uploaded_at",
        "used",
    ]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = [("uploaded_at", admin.DateFieldListFilter), "uploaded_by", UsageFilter]
    search_fields = ["title", "alt_text", "caption", "credit", "source", "file"]
    date_hierarchy = "uploaded_at"
    list_per_page = 48
    list_select_related = ["uploaded_by"]
    fields = ["preview", "file", "title", "alt_text", "caption", "credit", "source", "details"]
    readonly_fields = ["preview", "details"]

    class Media:
        css = {"all": ["media/admin/library.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("uses"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(views.UploadView.as_view(model_admin=self)), name="media_upload"),
            path("chooser/", wrap(views.chooser), name="media_chooser"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    # Permissions: as for articles, authors work on their own, editors on everything.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_manage(request.user) or obj.uploaded_by_id == request.user.pk

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or can_manage(request.user) or obj.uploaded_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """The refusal lists the articles and pages using the image, each a link to edit it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [
                format_html('<a href="{}">{}</a>', use.admin_url(), _use_label(use))
                if use.admin_url()
                else _use_label(use)
                for image in objs
                for use in image.uses.select_related("content_type")
            ]
        return deleted, counts, perms_needed, protected

    # Columns and read-only fields.

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return format_html(
            '<img class="media-thumb" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            obj.thumbnail_url(),
            obj.width,
            obj.height,
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} x {obj.height}"

    @admin.display(description=_("used in"), ordering="use_count")
    def used(self, obj):
        return obj.use_count or _("unused")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<img class="media-preview" src="{}" alt="" width="{}" height="{}">',
            obj.thumbnail_url(),
            obj.width,
            obj.height,
        )

    @admin.display(description=_("details"))
    def details(self, obj):
        if not obj.pk:
            return "—"
        uses = selectors.image_uses(obj)
        used_in = (
            format_html(
                "<ul>{}</ul>",
                format_html_join(
                    "",
                    '<li><a href="{}">{}</a></li>',
                    ((use.admin_url(), _use_label(use)) for use in uses),
                ),
            )
            if uses
            else _("Not used anywhere.")
        )
        return format_html(
            "<dl class='media-details'><dt>{}</dt><dd>{} x {}</dd><dt>{}</dt><dd>{}</dd>"
            "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
            _("Size"),
            obj.width,
            obj.height,
            _("Uploaded"),
            f"{obj.uploaded_by or '—'}, "
            + date_format(timezone.localtime(obj.uploaded_at), "DATETIME_FORMAT"),
            _("Renditions (WebP)"),
            ", ".join(f"{w}px" for w in obj.renditions) or "—",
            _("Original"),
            format_html('<a href="{}">{}</a>', obj.file.url, obj.file.name),
            _("Used in"),
            used_in,
        )


def _use_label(use) -> str:
    model = use.content_type.model_class()
    kind = model._meta.verbose_name.capitalize() if model else use.content_type.model
    return f"{kind}: {use.label}"
