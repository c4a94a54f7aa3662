"""Whole public pages for anonymous visitors from the shared cache, never stale.

Every page entry is stored under one *content version*, an integer in the cache
(``pagecache:version``). Any write to content moves it (``content_changed()``: signals on every
content model, ``PublishableQuerySet.update``/``bulk_create``, and explicit calls in bulk
paths), so the very next request on every app server sharing the cache renders afresh. A
missing version key (evicted, cache flushed) becomes a fresh random version, never an old one.

What changes by the clock alone (a ``publish_from``/``publish_until`` passing, an event ending
and leaving the upcoming lists, the current occurrence of a series, "today" on the month
grid) is covered by the *next change*: computed once per version from a few MIN queries and
stored beside it, it caps every entry's lifetime, and each entry carries it so a hit after
that moment is a miss even if the cache still holds it.

Only cookie-less GET/HEAD requests read or fill the cache, and only complete, public,
cookie-free ``text/html`` 200 responses are stored. HTML pages get a strong ETag (from the
bytes) and answer ``If-None-Match`` with 304, cached or not.
"""

import datetime
import hashlib
import logging
import math
import secrets
import time
import zlib
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language_from_path

from lifevalley.content_apps import PUBLIC_CONTENT_APPS
from lifevalley.timezones import BEIJING

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
# The messages framework's cookie (CookieStorage.cookie_name): a message waits for this visitor.
MESSAGES_COOKIE = "messages"
NOT_STORABLE_CACHE_CONTROL = ("private", "no-store", "no-cache")
# Hostile or accidental long URLs are served but not stored (the cache stays bounded).
MAX_STORED_QUERY = 300
_error_logged_at = 0.0


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def max_age():
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 600))


def _cache_failed(action, error):
    """A cache error is a miss; say so at most once a minute."""
    global _error_logged_at
    if time.monotonic() - _error_logged_at > 60:
        _error_logged_at = time.monotonic()
        logger.warning("Page cache unavailable (%s): %s", action, error)


# The content version --------------------------------------------------------------------------

def current_version():
    """The content version, or None when the cache does not answer (then nothing is cached)."""
    cache = page_cache()
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.randbits(62), None)
            version = cache.get(VERSION_KEY)
    except Exception as error:  # noqa: BLE001 - any cache failure is a miss
        _cache_failed("version", error)
        return None
    return version


def bump_version():
    cache = page_cache()
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or evicted): a fresh random one
            if not cache.add(VERSION_KEY, secrets.randbits(62), None):
                cache.incr(VERSION_KEY)  # another process just made one: move it on
    except Exception as error:  # noqa: BLE001
        _cache_failed("bump", error)


def content_changed(**kwargs):
    """Public content changed: move the version now, and again once the transaction commits.

    The bump after commit is the one that matters: a request that read the old rows while the
    transaction was open stored its page under the version it read, which the commit then
    leaves behind. The immediate bump serves code that runs before the commit in the same
    process (and tests, which run inside one transaction). One after-commit bump per
    transaction however many rows it writes.
    """
    bump_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        pending = getattr(connection, "run_on_commit", [])
        if not any(entry[1] is bump_version for entry in pending):
            transaction.on_commit(bump_version)


def _m2m_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed()


def connect_signals():
    """Every save, delete and many-to-many change of a content model moves the version."""
    for model in apps.get_models():
        if model._meta.app_label not in PUBLIC_CONTENT_APPS:
            continue
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _m2m_changed, sender=through, dispatch_uid=f"page_cache:{through._meta.label}"
            )


# What the clock changes -----------------------------------------------------------------------

def next_beijing_midnight(now):
    today = timezone.localtime(now, BEIJING).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min,
                                     BEIJING)


def next_change(now):
    """The next moment any public page may change without a write, seen from ``now``.

    - a published item's ``publish_from`` or ``publish_until`` passing (every publishable
      model; one MIN query each);
    - a published event or series ending, which moves it from the upcoming lists to the past
      (``series_ends_at``, indexed);
    - the end of the current occurrence of a running series: cards and the event page show
      the current or next occurrence (the few series running now, expanded in Python);
    - the next midnight in Beijing: "today" on the month grid and the "this month" link.
    """
    moments = [next_beijing_midnight(now), now + datetime.timedelta(seconds=max_age())]
    horizon = min(moments)
    for model in apps.get_models():
        if hasattr(model, "clock_changes"):  # every PublishableModel
            moments.extend(model.clock_changes(now, horizon))
    return min(moments)


def _horizon_key(version):
    return f"pagecache:{version}:next"


def change_deadline(version, now):
    """``next_change`` for this version as a timestamp, computed once per version (and again
    once that moment has passed)."""
    cache = page_cache()
    key = _horizon_key(version)
    try:
        deadline = cache.get(key)
    except Exception as error:  # noqa: BLE001
        _cache_failed("get", error)
        return None
    if deadline is None or deadline <= now.timestamp():
        deadline = next_change(now).timestamp()
        try:
            cache.set(key, deadline, math.ceil(deadline - now.timestamp()))
        except Exception as error:  # noqa: BLE001
            _cache_failed("set", error)
    return deadline


def known_deadline(version):
    """``change_deadline`` if this version's is already in the cache, else None (no query)."""
    try:
        return page_cache().get(_horizon_key(version))
    except Exception as error:  # noqa: BLE001
        _cache_failed("get", error)
        return None


# Values computed from public content ----------------------------------------------------------

def while_current(name, compute):
    """``compute()``, shared by every request (and app server) under this content version.

    Stored like a page: under the version read before computing (so a write during the
    computation leaves the entry behind), until the next change by the clock. It is stored
    only when that moment is already known (a page stored it), so that a miss never runs
    more queries than ``compute()`` itself; with the page cache off it is always computed.
    """
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return compute()
    version = current_version()
    if version is None:
        return compute()
    cache = page_cache()
    key = f"pagecache:{version}:value:{name}"
    now = timezone.now().timestamp()
    try:
        entry = cache.get(key)
    except Exception as error:  # noqa: BLE001
        _cache_failed("get", error)
        entry = None
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    deadline = known_deadline(version)
    timeout = min(max_age(), math.ceil(deadline - now)) if deadline else 0
    if timeout > 0:
        try:
            cache.set(key, (deadline, value), timeout)
        except Exception as error:  # noqa: BLE001
            _cache_failed("set", error)
    return value


# Requests and responses -----------------------------------------------------------------------

def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    # A session (staff are logged in through it) or a waiting message: the page may be personal.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    return not request.path_info.startswith("/admin/")


def page_key(request, version):
    """Per version, language, scheme, host and full URL (query parameters sorted by name)."""
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    identity = "\n".join(
        [language, request.scheme, request.get_host(), request.path, query]
    )
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
    return f"pagecache:{version}:{digest}"


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def is_storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not is_html(response) or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in NOT_STORABLE_CACHE_CONTROL):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_STORED_QUERY:
        return False
    # A CSRF token in the page is someone's: never for the public.
    return b"csrfmiddlewaretoken" not in response.content


def content_etag(content):
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def with_etag(request, response):
    """A strong ETag over the bytes of an HTML page, and 304 when the client has them."""
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and not response.streaming and is_html(response)):
        if not response.has_header("ETag"):
            response["ETag"] = content_etag(response.content)
        return get_conditional_response(request, etag=response["ETag"], response=response)
    return response


def _stored(response, expires_at):
    headers = tuple((name, value) for name, value in response.items())
    return (expires_at, headers, zlib.compress(response.content, 6))


def _response_from(entry):
    _expires_at, headers, compressed = entry
    response = HttpResponse(zlib.decompress(compressed))
    for name, value in headers:
        response[name] = value
    return response


class PageCacheMiddleware:
    """Serve and fill the page cache; put it right after SecurityMiddleware and WhiteNoise.

    It must wrap the session, CSRF and messages middleware, so that it sees the cookies and
    Vary headers they add before deciding to store. Middleware that adds per-request headers
    (request ids, timing) belongs before it; a Content-Security-Policy with nonces after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (getattr(settings, "PAGE_CACHE_ENABLED", True) and is_cacheable_request(request)):
            return with_etag(request, self.get_response(request))
        version = current_version()
        if version is None:
            return with_etag(request, self.get_response(request))
        cache = page_cache()
        key = page_key(request, version)
        try:
            entry = cache.get(key)
        except Exception as error:  # noqa: BLE001
            _cache_failed("get", error)
            entry = None
        if entry is not None and entry[0] > timezone.now().timestamp():
            response = _response_from(entry)
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if is_storable(request, response):
            response["ETag"] = content_etag(response.content)
            self.store(key, version, response)
            response["X-Page-Cache"] = "miss"
        return with_etag(request, response)

    def store(self, key, version, response):
        now = timezone.now()
        deadline = change_deadline(version, now)
        if deadline is None:
            return
        timeout = min(max_age(), math.ceil(deadline - now.timestamp()))
        if timeout <= 0:
            return
        try:
            page_cache().set(key, _stored(response, deadline), timeout)
        except Exception as error:  # noqa: BLE001
            _cache_failed("set", error)
