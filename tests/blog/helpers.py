"""Helpers the blog tests share: times in the magazine's zone, the article admin's URLs and form."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from tests.factories import article_admin_form_data

ROME = ZoneInfo("Europe/Rome")


def at(year, month, day, hour=10) -> datetime.datetime:
    """A moment in Rome's time zone, at `hour` o'clock."""
    return datetime.datetime(year, month, day, hour, tzinfo=ROME)


def change_url(article) -> str:
    return reverse("admin:blog_article_change", args=[article.pk])


def form_data_for(article, **overrides) -> dict:
    """The article admin's POST data for `article` as it stands, with `overrides`."""
    data = article_admin_form_data(
        author=article.author,
        title=article.title,
        slug=article.slug,
        lead=article.lead,
        body=article.body,
        status=article.status,
        publish_at=article.publish_at,
    )
    data.update(overrides)
    return data
