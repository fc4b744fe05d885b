"""Reads for the newsletter: the progress of an issue, the articles an issue starts with, the
public archive."""

from dataclasses import dataclass

from django.db.models import Count

from blog.models import Article
from newsletter.models import Delivery, Issue


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
