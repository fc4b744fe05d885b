"""The editorial desk's admin beyond articles: corrections."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blog.models import Article, Correction
from blog.permissions import can_publish
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
