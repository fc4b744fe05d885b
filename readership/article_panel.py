"""The article's own figures on its admin page, through blog.admin_panels."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from readership import plots, selectors

PANEL_DAYS = 30


def _last_days(pk: int) -> list[dict]:
    end = timezone.localdate()
    return selectors.object_days("article", pk, end - timedelta(days=PANEL_DAYS - 1), end)


def sparkline_svg(pk: int) -> str:
    """A standalone SVG document of the article's views per day."""
    svg = plots.sparkline(
        [row["views"] for row in _last_days(pk)], label=_("Views per day, last 30 days")
    )
    return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)


def article_figures(request, article) -> str:
    if not request.user.has_perm("readership.view_dailycount"):
        return ""
    days = _last_days(article.pk)
    (brought,) = selectors.with_comments_and_signups(
        [{"article": article}], days[0]["day"], days[-1]["day"]
    )
    return render_to_string(
        "admin/readership/article_panel.html",
        {
            "views": sum(row["views"] for row in days),
            "visitors": sum(row["visitors"] for row in days),
            "today": days[-1]["views"],
            "comments": brought["comments"],
            "signups": brought["signups"],
            "days": PANEL_DAYS,
            "sparkline_url": reverse("admin:readership_article_sparkline", args=[article.pk]),
        },
    )
