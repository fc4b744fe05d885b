"""Reading aids on the article page: reading time, previous/next article, related articles."""

import math
import re
from dataclasses import dataclass, field
from html import unescape

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from blog import content_version as blog_cache
from blog.models import Article

WORDS_PER_MINUTE = 200
RELATED_LIMIT = 3
CACHE_SECONDS = 24 * 3600

_TAG = re.compile(r"<[^>]*>")


def count_words(html: str) -> int:
    """Words of stored article HTML, for counting only (never for output).

    Bodies are stored sanitized (balanced tags, a stray "<" escaped), so dropping tags with a
    pattern counts right; strip_all_tags parses the whole document (about 100 ms for a long
    article), too slow to pay on every page view just to count.
    """
    return len(unescape(_TAG.sub(" ", html or "")).split())


def reading_minutes(article: Article) -> int:
    """Minutes to read the lead and the body at WORDS_PER_MINUTE, rounded up, at least 1."""
    words = len(article.lead.split()) + count_words(article.body)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class ReadingAids:
    previous: Article | None = None  # the next older published article
    next: Article | None = None  # the next newer published article
    related: list[Article] = field(default_factory=list)


def _chronology(article) -> tuple:
    # The listings' order, (publish_at, pk): two articles published in the same second still
    # have a previous and a next.
    return (article.publish_at, article.pk or 0)


def reading_aids(article: Article) -> ReadingAids:
    """The reading aids of `article`, kept in the cache per content version and newest
    publication time (a scheduled article going live changes the neighbours without a save)."""
    if not hasattr(article, "site_newest"):  # not read with conditional.with_site_state()
        return find_reading_aids(article)
    newest = article.site_newest
    key = f"blog:reading:{blog_cache.content_version()}:{newest.timestamp() if newest else 0}"
    key = f"{key}:{article.pk}"
    aids = cache.get(key)
    if aids is None:
        aids = find_reading_aids(article)
        cache.set(key, aids, CACHE_SECONDS)
    return aids


def candidates_queryset(article: Article):
    """The previous, next and related candidates of `article`, in one query.

    Three subqueries pick the candidates' ids (the neighbour on each side in publication order,
    and the articles sharing most tags, newest first on a tie); the outer query loads them with
    their shared-tag count, and Python tells them apart. The candidates always contain the true
    neighbours and the true top related articles, so choosing among them gives the same answer
    as three separate queries.
    """
    published = Article.objects.published()
    when, pk = _chronology(article)
    older = Q(publish_at__lt=when) | Q(publish_at=when, pk__lt=pk)
    newer = Q(publish_at__gt=when) | Q(publish_at=when, pk__gt=pk)
    previous_id = published.filter(older).order_by("-publish_at", "-pk").values("pk")[:1]
    next_id = published.filter(newer).order_by("publish_at", "pk").values("pk")[:1]
    tag_ids = Article.tags.through.objects.filter(article_id=article.pk).values("tag_id")
    related_ids = (
        published.exclude(pk=article.pk)
        .filter(tags__in=tag_ids)
        .values("pk")  # group by the id alone, not by every column (the body included)
        .annotate(shared_tags=Count("tags"))
        .order_by("-shared_tags", "-publish_at", "-pk")
        .values("pk")[:RELATED_LIMIT]
    )
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: IN (a UNION ALL of the three) is a semi-join probing the primary key;
        # three ORed IN-subqueries would scan the whole table.
        chosen = Q(pk__in=previous_id.union(next_id, related_ids, all=True))
    else:
        chosen = Q(pk__in=previous_id) | Q(pk__in=next_id) | Q(pk__in=related_ids)
    return (
        published.filter(chosen)
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids)))
        .only("pk", "title", "slug", "publish_at")
        .order_by()
    )


def find_reading_aids(article: Article) -> ReadingAids:
    """Previous, next and up to RELATED_LIMIT related articles: one query, candidates_queryset()."""
    candidates = list(candidates_queryset(article))
    here = _chronology(article)
    before = [a for a in candidates if _chronology(a) < here]
    after = [a for a in candidates if _chronology(a) > here]
    related = sorted(
        (a for a in candidates if a.shared_tags and a.pk != article.pk),
        key=lambda a: (-a.shared_tags, -a.publish_at.timestamp(), -a.pk),
    )
    return ReadingAids(
        previous=max(before, key=_chronology, default=None),
        next=min(after, key=_chronology, default=None),
        related=related[:RELATED_LIMIT],
    )
