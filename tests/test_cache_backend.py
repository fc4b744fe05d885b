"""With REDIS_URL set, every app server shares one Redis cache (CI runs the suite that way on
PostgreSQL, against a real redis-server it starts)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from comments import tree_cache
from core.redis_cache import RedisCache
from tests.factories import make_article, make_comment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="Redis cache: run with REDIS_URL=redis://127.0.0.1:6379/1 (CI does)",
    ),
]


def test_redis_is_the_cache_when_redis_url_is_set():
    assert settings.CACHES["default"]["BACKEND"] == "core.redis_cache.RedisCache"
    cache.set("probe", {"città": "Bologna"}, 30)
    assert cache.get("probe") == {"città": "Bologna"}


def test_one_redis_client_serves_every_cache_call():
    # Django's own backend builds a redis.Redis per call (a quarter of a millisecond each, a
    # third of a kept page's time in the server); ours keeps one per connection pool.
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    client = backend._cache.get_client("probe")
    backend.set("probe", 1, 30)
    backend.get_many(["probe", "other"])
    assert backend._cache.get_client("other") is client
    assert backend._cache.get_client(write=True) is client  # one server: one pool for both
    assert client.get(backend.make_and_validate_key("probe")) is not None


def test_comment_tree_versions_live_in_redis_and_bump_atomically():
    article = make_article()
    first = tree_cache.article_version(article.pk)
    tree_cache.bump_article_version(article.pk)
    tree_cache.bump_article_version(article.pk)
    assert tree_cache.article_version(article.pk) == first + 2


def test_article_page_serves_the_tree_from_redis(client):
    article = make_article()
    make_comment(article, body="Servito dalla cache condivisa.")
    assert "Servito dalla cache condivisa." in client.get(article.get_absolute_url()).text
    # The rendered threads are in Redis itself, where every other process finds them.
    redis = cache._cache.get_client()
    stored = [redis.get(key) for key in redis.keys("*comments:threads:*")]
    assert any(b"Servito dalla cache condivisa." in value for value in stored)
