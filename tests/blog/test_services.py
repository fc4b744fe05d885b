import datetime

import pytest
import time_machine
from django.db.models.signals import post_save
from django.utils import timezone

from blog.models import Article
from blog.services import article_publish, article_unpublish
from tests.factories import make_article, make_draft

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_dated_in_the_past_dates_it_now():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)):
        draft = make_draft(publish_at=timezone.now())
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert article_publish(article=draft) is True
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED
        assert draft.publish_at == timezone.now()
        assert draft.get_absolute_url().startswith("/2026/05/04/")
        assert Article.objects.published().filter(pk=draft.pk).exists()


def test_publishing_a_draft_dated_in_the_future_schedules_it():
    later = timezone.now() + datetime.timedelta(days=2)
    draft = make_draft(publish_at=later)
    assert article_publish(article=draft) is True
    draft.refresh_from_db()
    assert draft.publish_at == later
    assert not Article.objects.published().filter(pk=draft.pk).exists()


def test_publishing_fires_save_signals_so_caches_can_follow():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    draft = make_draft()
    post_save.connect(receiver, sender=Article)
    try:
        article_publish(article=draft)
    finally:
        post_save.disconnect(receiver, sender=Article)
    assert seen == [draft.pk]


def test_publish_and_unpublish_report_whether_anything_changed():
    article = make_article()
    assert article_publish(article=article) is False
    assert article_unpublish(article=article) is True
    assert article_unpublish(article=article) is False
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
