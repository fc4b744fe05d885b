"""The editors' dashboard: the site's views and visitors per day (plot and table), the most
read articles today, in 7 and 30 days, referrer domains, search terms and reading depth, for a
date range, with a CSV export. It stands in the admin as the list of daily counts (view
permission on "daily count"); nobody adds or edits a count by hand."""

import csv
from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_lists import ReadOnlyAdminMixin
from readership import article_panel, plots, selectors
from readership.models import DailyCount

DEFAULT_DAYS = 30


class RangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def period(self) -> tuple[date, date]:
        """The range asked for, within the last two years; today's last 30 days otherwise."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = min(data.get("end") or today, today)
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        start = max(min(start, end), end - timedelta(days=selectors.MAX_DAYS - 1))
        return start, end


def csv_response(days: list[dict], start: date, end: date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="readership-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("day"), _("views"), _("visitors")])
    for row in days:
        writer.writerow([row["day"].isoformat(), row["views"], row["visitors"]])
    return response


@admin.register(DailyCount)
class ReadershipDashboard(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_urls(self):
        sparkline = self.admin_site.admin_view(self.article_sparkline)
        return [
            path("article/<int:pk>/sparkline.svg", sparkline, name="readership_article_sparkline"),
            *super().get_urls(),
        ]

    def article_sparkline(self, request, pk):
        """The article's views per day as an SVG image: an <img> of ours in the article's page,
        not markup inside it (the admin pages' security checks allow no inline <svg>)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        response = HttpResponse(article_panel.sparkline_svg(pk), content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=300"
        return response

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = RangeForm(request.GET or None)
        start, end = form.period()
        days = selectors.site_days(start, end)
        if request.GET.get("format") == "csv":
            return csv_response(days, start, end)
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Readership"),
            "opts": self.model._meta,
            "form": form,
            "start": start,
            "end": end,
            "days": days,
            "totals": {
                "views": sum(row["views"] for row in days),
                "visitors": sum(row["visitors"] for row in days),
            },
            "plot": plots.line_plot(
                {
                    "views": [row["views"] for row in days],
                    "visitors": [row["visitors"] for row in days],
                },
                label=_("Views and visitors per day"),
            ),
            "top": [
                (_("Today"), selectors.top_articles(today, today)),
                (_("Last 7 days"), selectors.top_articles(today - timedelta(days=6), today)),
                (_("Last 30 days"), selectors.top_articles(today - timedelta(days=29), today)),
            ],
            "groups": [
                (_("By author"), selectors.top_groups("author", start, end)),
                (_("By category"), selectors.top_groups("category", start, end)),
            ],
            "signups": selectors.top_signup_articles(start, end),
            "referrers": selectors.top_referrers(start, end),
            "terms": selectors.top_search_terms(start, end),
            "depth": selectors.reading_depth(start, end),
            "csv_query": f"start={start.isoformat()}&end={end.isoformat()}&format=csv",
        }
        return TemplateResponse(request, "admin/readership/dashboard.html", context)
