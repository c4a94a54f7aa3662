"""A Redis cache whose failures are cache misses, never errors (settings: ``REDIS_URL``).

Django's built-in ``RedisCache`` raises when Redis refuses, hangs or runs out of memory, and
every page that reads the cache then answers 500. Here a failed read is a miss and a failed
write is skipped. After a failure the server is left alone for ``RETRY_SECONDS`` (each
operation is then an instant miss), so a hung Redis costs one request at most one socket
timeout per retry period instead of every cache call its own timeout. The failure is logged
at most once per ``LOG_SECONDS`` per server and process.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
LOG_SECONDS = 60
FAILURES = (RedisError, OSError)


class _ServerState:
    """Per server and process (cache objects are per thread): when to try again and log."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.logged_at = None
        self.suppressed = 0

    def available(self):
        return time.monotonic() >= self.retry_at

    def failed(self, location, error):
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            if self.logged_at is not None and now - self.logged_at < LOG_SECONDS:
                self.suppressed += 1
                return
            suppressed, self.suppressed, self.logged_at = self.suppressed, 0, now
        logger.warning(
            "Cache %s unavailable (%s: %s); serving without the cache, retrying every %d s%s",
            location, type(error).__name__, error, RETRY_SECONDS,
            f" ({suppressed} more failures since the last message)" if suppressed else "",
        )


_states = {}
_states_lock = threading.Lock()


def _state_for(location):
    with _states_lock:
        return _states.setdefault(location, _ServerState())


class FailSoftRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` where Redis errors are misses."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = ",".join(self._servers)
        self._state = _state_for(self._location)

    def _guard(self, operation, fallback):
        if not self._state.available():
            return fallback
        try:
            return operation()
        except FAILURES as error:
            self._state.failed(self._location, error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: RedisCache.add(self, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._guard(lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys, version=None):
        return self._guard(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._guard(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None):
        result = self._guard(lambda: RedisCache.incr(self, key, delta, version), None)
        if result is None:
            raise ValueError(f"Key '{key}' not found (or the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: RedisCache.set_many(self, data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        self._guard(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self):
        return self._guard(lambda: RedisCache.clear(self), False)
