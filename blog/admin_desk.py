"""The editorial desk's admin beyond articles: corrections, pages and menus."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.admin import body_formfield
from blog.models import Article, Correction, Menu, MenuItem, Page
from blog.pages import page_template_choices
from blog.permissions import can_publish
from blog.revision_admin import RevisionAdminMixin
from blog.services import correction_add


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["article", "kind", "text"]

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article.status != Article.Status.PUBLISHED:
            raise ValidationError(_("Corrections are added to published articles only."))
        return article


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Dated corrections and updates, added by Editors through blog.services.correction_add."""

    form = CorrectionForm
    list_display = ["article", "kind", "created", "user"]
    list_filter = ["kind", "created"]
    list_select_related = ["article", "user"]
    search_fields = ["text", "article__title"]
    autocomplete_fields = ["article"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        # A published correction is part of the record: delete and add again if it was wrong.
        return False

    def has_delete_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_module_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        created = correction_add(
            article=obj.article, kind=obj.kind, text=obj.text, user=request.user
        )
        obj.pk = created.pk
        obj.created = created.created


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
