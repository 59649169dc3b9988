"""Django's Redis cache, keeping one redis-py client per connection pool.

Django builds a new ``redis.Redis`` object for every cache call; building one fills its
table of response callbacks, ~0.1 ms of CPU, as much as the round trip itself. The hot paths
make one to three cache calls per request (rate limit, bookday.hotcache's version, the page
cache). Clients are thread-safe (each command borrows a connection from the pool), so one per
pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    @property
    def _client(self):
        """The redis-py client, for django-rq (RQ_QUEUES "USE_REDIS_CACHE"): the task queue
        then reuses it instead of building a client for every job it enqueues."""
        return self._cache.get_client(write=True)
