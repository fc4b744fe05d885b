"""Reads for the newsletter: the progress of an issue, the articles an issue starts with, the
public archive."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from blog.models import Article
from newsletter.models import SOURCE_ARTICLE, Delivery, Issue, Subscriber


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def issue_progress(issue: Issue) -> Progress:
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(
        total=sum(counts.values()),
        queued=counts.get(Delivery.Status.QUEUED, 0),
        sending=counts.get(Delivery.Status.CLAIMED, 0),
        sent=counts.get(Delivery.Status.SENT, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
        skipped=counts.get(Delivery.Status.SKIPPED, 0),
    )


def articles_since_last_issue(limit: int = 20):
    """What a new issue starts with: articles published since the last issue went out (or the
    latest ones, for the first issue), oldest first."""
    last = Issue.objects.filter(started_at__isnull=False).order_by("-started_at").first()
    articles = Article.objects.published()
    if last is not None:
        articles = articles.filter(publish_at__gt=last.started_at)
        return list(articles.order_by("publish_at", "pk")[:limit])
    latest = list(articles.order_by("-publish_at", "-pk")[:limit])
    return latest[::-1]


def archived_issues():
    return Issue.objects.filter(status=Issue.Status.SENT, in_archive=True).order_by(
        "-started_at", "-pk"
    )


def _article_of(source: str) -> int | None:
    number = source.removeprefix(SOURCE_ARTICLE)
    return int(number) if source.startswith(SOURCE_ARTICLE) and number.isdigit() else None


def signups_by_article(start: datetime, end: datetime, *, article_ids=None) -> dict[int, int]:
    """Subscribers who confirmed from `start` (included) to `end` (not) after signing up on an
    article's page, counted per article (all articles, or those named): which articles bring
    subscribers. Counts only: no address leaves this function."""
    confirmed = Subscriber.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
    if article_ids is None:
        confirmed = confirmed.filter(source__startswith=SOURCE_ARTICLE)
    else:
        confirmed = confirmed.filter(source__in=[f"{SOURCE_ARTICLE}{pk}" for pk in article_ids])
    counts: dict[int, int] = {}
    grouped = confirmed.order_by().values("source").annotate(n=Count("pk"))
    for source, number in grouped.values_list("source", "n"):
        article = _article_of(source)
        if article is not None:
            counts[article] = counts.get(article, 0) + number
    return counts
