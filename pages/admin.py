"""Pages and menus in the admin."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.admin import body_formfield
from blog.revision_admin import RevisionAdminMixin
from pages.layouts import page_template_choices
from pages.models import Menu, MenuItem, Page


@admin.register(Page)
class PageAdmin(RevisionAdminMixin, admin.ModelAdmin):
    """Pages with a hierarchy; an address another route answers is refused (Page.clean)."""

    list_display = ["title", "address", "status", "is_privacy_policy", "order"]
    list_filter = ["status", "is_privacy_policy"]
    search_fields = ["title", "path", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "body"]}),
        (_("Publication"), {"fields": ["status", "order", "is_privacy_policy", "template"]}),
        (
            _("Search engines"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            return body_formfield(db_field)
        if db_field.name == "template":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                required=False,
                choices=page_template_choices(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("address"), ordering="path")
    def address(self, obj):
        return format_html('<a href="{}">{}</a>', self.view_on_site(obj), obj.get_absolute_url())

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    fk_name = "menu"
    fields = ["order", "label", "page", "category", "tag", "author", "url", "parent"]
    autocomplete_fields = ["page", "category", "tag", "author"]
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only top-level links of the menu being edited can hold a submenu.
            menu_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = MenuItem.objects.filter(
                menu_id=menu_id if str(menu_id or "").isdigit() else None, parent=None
            ).select_related("page", "category", "tag", "author")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Menu)
class MenuAdmin(admin.ModelAdmin):
    list_display = ["location"]
    inlines = [MenuItemInline]
