"""Filters for the comment moderation list that stay cheap at a million comments.

Django's RelatedOnlyFieldListFilter lists every article that has a comment (a DISTINCT over the
whole comment table, then every title in the sidebar). This filter shows one autocomplete box
instead, served by the admin's own autocomplete view over the article admin's search fields: the
page loads at most the one chosen article.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from blog.models import Article
from comments.models import Comment


class ArticleAutocompleteFilter(admin.ListFilter):
    title = _("article")
    parameter_name = "article__id__exact"
    template = "admin/comments/article_autocomplete_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = params.pop(self.parameter_name, None)
        self.value = value[-1] if isinstance(value, list) else value
        self.used_parameters = {self.parameter_name: self.value} if self.value else {}
        self.admin_site = model_admin.admin_site
        self.field = model._meta.get_field("article")

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def article_id(self) -> int | None:
        if not self.value:
            return None
        try:
            return int(self.value)
        except (TypeError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def queryset(self, request, queryset):
        article_id = self.article_id()
        return queryset if article_id is None else queryset.filter(article_id=article_id)

    def form(self) -> forms.Form:
        class ArticleFilterForm(forms.Form):
            pass

        ArticleFilterForm.base_fields[self.parameter_name] = forms.ModelChoiceField(
            label=_("Article"),
            queryset=Article.objects.all(),
            required=False,
            widget=AutocompleteSelect(self.field, self.admin_site),
        )
        return ArticleFilterForm(initial={self.parameter_name: self.article_id()})

    def choices(self, changelist):
        kept = changelist.get_filters_params()
        kept.pop(self.parameter_name, None)
        yield {
            "form": self.form(),
            "selected": self.value is not None,
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
            "hidden": [
                (name, value)
                for name, values in kept.items()
                for value in (values if isinstance(values, list) else [values])
            ],
        }

    @classmethod
    def form_media(cls, admin_site) -> forms.Media:
        """What the box needs on the list page: select2, Django's autocomplete, and ours."""
        widget = AutocompleteSelect(Comment._meta.get_field("article"), admin_site)
        return widget.media + forms.Media(js=["js/admin-article-filter.js"])
