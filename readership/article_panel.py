"""The article's own figures on its admin page, through blog.admin_panels."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from readership import plots, selectors

PANEL_DAYS = 30


def article_figures(request, article) -> str:
    if not request.user.has_perm("readership.view_dailycount"):
        return ""
    end = timezone.localdate()
    start = end - timedelta(days=PANEL_DAYS - 1)
    days = selectors.object_days("article", article.pk, start, end)
    return render_to_string(
        "admin/readership/article_panel.html",
        {
            "views": sum(row["views"] for row in days),
            "visitors": sum(row["visitors"] for row in days),
            "today": days[-1]["views"],
            "days": PANEL_DAYS,
            "sparkline": plots.sparkline(
                [row["views"] for row in days], label=_("Views per day, last 30 days")
            ),
        },
    )
