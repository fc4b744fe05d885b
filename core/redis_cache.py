"""Django's Redis cache backend, with one redis client per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for
every cache operation, and redis-py fills a table of some 170 response callbacks in each (about
a quarter of a millisecond). A kept page costs two cache operations and an article page some
twenty, so that table was a third of the kept page's time in the server. A `redis.Redis` over a
connection pool is safe to share between threads; the pools are Django's, unchanged.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(index))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """`BACKEND: "core.redis_cache.RedisCache"`: Django's, with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
