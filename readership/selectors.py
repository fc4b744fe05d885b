"""Reads of the daily rows for the editors' dashboard and the article's own figures."""

from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from blog.models import Article, Author, Category
from comments.selectors import approved_comments_by_article
from newsletter.selectors import signups_by_article
from readership.conf import GROUPS, SITE
from readership.models import DailyCount, DailyReferrer, DailySearchTerm

MAX_DAYS = 2 * 366


def site_days(start: date, end: date) -> list[dict]:
    """One entry per day from start to end, days without a row counted as zero."""
    rows = {
        row["day"]: row
        for row in DailyCount.objects.filter(
            kind=SITE, object_id=0, day__range=(start, end)
        ).values("day", "views", "visitors")
    }
    days = []
    day = start
    while day <= end:
        days.append(rows.get(day, {"day": day, "views": 0, "visitors": 0}))
        day += timedelta(days=1)
    return days


def object_days(kind: str, object_id: int, start: date, end: date) -> list[dict]:
    rows = {
        row["day"]: row
        for row in DailyCount.objects.filter(
            kind=kind, object_id=object_id, day__range=(start, end)
        ).values("day", "views", "visitors")
    }
    return [
        rows.get(start + timedelta(days=n), {"day": start + timedelta(days=n), "views": 0,
                                             "visitors": 0})
        for n in range((end - start).days + 1)
    ]  # fmt: skip


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's days as the moments they begin and end, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def with_comments_and_signups(rows: list[dict], start: date, end: date) -> list[dict]:
    """Each article's row with the comments written on it and the subscribers it brought in the
    period: two queries for the rows shown, whatever the size of the site."""
    ids = [row["article"].pk for row in rows]
    begins, ends = day_bounds(start, end)
    comments = approved_comments_by_article(ids, begins, ends) if ids else {}
    signups = signups_by_article(begins, ends, article_ids=ids) if ids else {}
    return [
        {**row, "comments": comments.get(row["article"].pk, 0),
         "signups": signups.get(row["article"].pk, 0)}
        for row in rows
    ]  # fmt: skip


def top_signup_articles(start: date, end: date, limit: int = 10) -> list[dict]:
    """The articles whose readers subscribed to the newsletter most in the period."""
    begins, ends = day_bounds(start, end)
    counts = signups_by_article(begins, ends)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    articles = Article.objects.in_bulk([pk for pk, _ in ranked[: limit * 2]])
    return [
        {"article": articles[pk], "signups": number} for pk, number in ranked if pk in articles
    ][:limit]


def top_articles(start: date, end: date, limit: int = 10) -> list[dict]:
    """The most read articles in the period, with their titles, most views first, and the
    comments and newsletter sign-ups each brought."""
    rows = list(
        DailyCount.objects.filter(kind="article", day__range=(start, end))
        .values("object_id")
        .annotate(views=Sum("views"), visitors=Sum("visitors"))
        .order_by("-views", "object_id")[:limit]
    )
    articles = Article.objects.in_bulk([row["object_id"] for row in rows])
    shown = [
        {**row, "article": articles[row["object_id"]]}
        for row in rows
        if row["object_id"] in articles
    ]
    return with_comments_and_signups(shown, start, end)


def top_referrers(start: date, end: date, limit: int = 10) -> list[dict]:
    return list(
        DailyReferrer.objects.filter(day__range=(start, end))
        .values("domain")
        .annotate(views=Sum("views"))
        .order_by("-views", "domain")[:limit]
    )


def top_search_terms(start: date, end: date, limit: int = 10) -> list[dict]:
    return list(
        DailySearchTerm.objects.filter(day__range=(start, end))
        .values("term")
        .annotate(searches=Sum("searches"))
        .order_by("-searches", "term")[:limit]
    )


def reading_depth(start: date, end: date) -> dict:
    """How many article readers scrolled at most to each quarter, in the period: the fold adds
    every article's depth to the site's row of the day."""
    return DailyCount.objects.filter(kind=SITE, object_id=0, day__range=(start, end)).aggregate(
        quarter=Sum("read_quarter"),
        half=Sum("read_half"),
        three_quarters=Sum("read_three_quarters"),
        all=Sum("read_all"),
    )


# What each grouping of articles is called: its model and the field shown for it.
GROUPINGS = {"author": (Author, "display_name"), "category": (Category, "name")}


def top_groups(grouping: str, start: date, end: date, limit: int = 10) -> list[dict]:
    """Article views in the period summed per author or per category, from the rows the fold
    keeps for each (a few a day, whatever the number of articles)."""
    rows = list(
        DailyCount.objects.filter(kind=GROUPS[grouping], day__range=(start, end))
        .values("object_id")
        .annotate(views=Sum("views"))
        .order_by("-views", "object_id")[: limit * 2]
    )
    model, field = GROUPINGS[grouping]
    names = dict(model.objects.filter(pk__in=[row["object_id"] for row in rows]).values_list(
        "pk", field
    ))  # fmt: skip
    named = [
        {"name": names[row["object_id"]], "views": row["views"]}
        for row in rows
        if names.get(row["object_id"])
    ]
    return named[:limit]
