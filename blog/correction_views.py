"""The public list of corrections."""

from django.views.generic import ListView

from blog import conf
from blog.models import Correction, visible_condition


class CorrectionListView(ListView):
    """/rettifiche/: every correction and update on a published article, newest first."""

    template_name = "blog/correction_list.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return conf.get("BLOG_ARTICLES_PER_PAGE") * 2

    def get_queryset(self):
        return (
            Correction.objects.filter(visible_condition("article__"))
            .select_related("article")
            .order_by("-created", "-pk")
        )
