"""Operating the portal: JSON log lines, request ids, the slow-request log and metrics.

- ``JsonFormatter`` writes each log record as one JSON object a line (time, level, logger,
  message, and the request's id, method, path, status, duration and staff user when known).
- ``RequestLogMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it is
  well-formed, else a new uuid4), returns it in the ``X-Request-ID`` response header, and logs
  one line per request: INFO (unless DJANGO_ACCESS_LOG=0), or WARNING with ``"slow": true``
  at or above DJANGO_SLOW_REQUEST_MS.
- Metrics: django-prometheus counts requests, responses by status and exceptions;
  ``instrument_cache_gets`` adds cache hits and misses to its cache counters and
  ``FEED_BUILDS`` counts iCal feed bodies built (not served from the cache).
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import Http404
from django.utils.functional import empty
from prometheus_client import Counter

FEED_BUILDS = Counter(
    "lifevalley_feed_builds_total", "iCal feed bodies built (cache misses of the feed)"
)

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from the proxy: nginx's $request_id is 32 hex digits; a uuid has dashes.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_request = contextvars.ContextVar("lifevalley_request", default=None)

logger = logging.getLogger("lifevalley.request")

# Attributes every LogRecord has; anything else was passed through ``extra=``.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def request_id_from(header_value):
    """The incoming id if it is safe to repeat in logs and headers, else a fresh uuid4."""
    if header_value and WELL_FORMED_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def current_request_id():
    request = _request.get()
    return getattr(request, "request_id", None) if request is not None else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line, so a log shipper needs no parsing rules."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_") and key != "request":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def staff_username(request):
    """The username of a staff member, only if the request already loaded its user.

    Loading the user here would add a session query to every request that did not need it.
    """
    user = getattr(request, "user", None)
    if user is None or user.__dict__.get("_wrapped", None) is empty:
        return None
    return user.get_username() if user.is_authenticated and user.is_staff else None


class RequestLogMiddleware:
    """Request id in and out, and one log line per request (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.slow_ms = settings.SLOW_REQUEST_MS
        self.every_request = settings.ACCESS_LOG

    def __call__(self, request):
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = _request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response[REQUEST_ID_HEADER] = request.request_id
            self.log(request, response.status_code, duration_ms)
            return response
        finally:
            _request.reset(token)

    def log(self, request, status, duration_ms):
        slow = duration_ms >= self.slow_ms
        if not (slow or self.every_request):
            return
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
        }
        user = staff_username(request)
        if user:
            fields["user"] = user
        if slow:
            fields["slow"] = True
        logger.log(
            logging.WARNING if slow else logging.INFO,
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra=fields,
        )


def instrument_cache_gets(backend_class):
    """Count hits and misses of ``cache.get`` in django-prometheus's cache counters.

    django-prometheus ships its own cache backends for this, but the backend class is chosen by
    the settings (local memory, Redis, or the fail-safe Redis cache); wrapping the chosen
    class's ``get`` counts for whichever it is. Idempotent.
    """
    if getattr(backend_class.get, "_lifevalley_counted", False):
        return
    from django_prometheus.cache import metrics

    original_get = backend_class.get
    label = backend_class.__name__
    sentinel = object()

    def get(self, key, default=None, version=None):
        metrics.django_cache_get_total.labels(backend=label).inc()
        value = original_get(self, key, default=sentinel, version=version)
        if value is sentinel:
            metrics.django_cache_misses_total.labels(backend=label).inc()
            return default
        metrics.django_cache_hits_total.labels(backend=label).inc()
        return value

    get._lifevalley_counted = True
    backend_class.get = get


def metrics_view(request):
    """Prometheus metrics for scrapers on the private network, never through the proxy.

    nginx does not publish /metrics (deploy/nginx/lifevalley.conf answers 404), and a request
    that carries the proxy's X-Forwarded-For is refused here too, in case a proxy forwards it.
    """
    from django_prometheus.exports import ExportToDjangoView

    if "HTTP_X_FORWARDED_FOR" in request.META:
        raise Http404
    return ExportToDjangoView(request)
