"""The cache (Redis) as a help, never a need: when Redis is unreachable, each call answers as a miss (and writes
nothing), logged, so that pages are computed afresh instead of failing (issue 10, faults). Login throttling, which
counts in the cache, is then lost for a while (``guichet.throttle``): refusing every sign-in would be worse."""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
PANNES = (ConnectionError, TimeoutError)


def _tolerer(methode, repli):
    @wraps(methode)
    def appel(self, *args, **kwargs):
        try:
            return methode(self, *args, **kwargs)
        except PANNES as erreur:
            logger.warning("Cache Redis indisponible (%s) : %s ignoré", erreur, methode.__name__)
            return repli(*args, **kwargs)

    return appel


class RedisCacheTolerante(RedisCache):
    get = _tolerer(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _tolerer(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _tolerer(RedisCache.has_key, lambda *args, **kwargs: False)
    add = _tolerer(RedisCache.add, lambda *args, **kwargs: False)
    set = _tolerer(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _tolerer(RedisCache.set_many, lambda *args, **kwargs: [])
    touch = _tolerer(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _tolerer(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _tolerer(RedisCache.delete_many, lambda *args, **kwargs: None)
    incr = _tolerer(RedisCache.incr, lambda key, delta=1, version=None: delta)
    clear = _tolerer(RedisCache.clear, lambda *args, **kwargs: None)
