"""The subscription feed, /events/feed.ics: its filter, validators, caches and assembly.

``events/ical.py`` makes the iCalendar text; this module decides what to build and what can be
served without building (the 304s and the cache hits). The feed's caches:

- each event's serialised VEVENT, per event version and language, shared by every filter
  (``EventQuerySet.feed_versions``), with its length beside it (and the mean length of the
  latest feed assembled) for the subscription builder, which reads sizes without the bytes;
- whole feeds, only for the unfiltered feed and single-zone or single-category feeds, stored
  with their Last-Modified and ETag under the content version of ``lifevalley/page_cache.py``
  (which every write of content moves) and the next moment the feed may change by the clock
  alone. While both hold, a request is answered from the entry without a database query,
  including its 304. The last few whole feeds are also kept in the worker's memory, so a hit
  reads only the content version from the shared cache.
"""

import hashlib
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Subquery
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from directory.models import Organisation
from events import ical
from events.filters import EventFilter
from events.models import Event, FeedState, Venue, prefetch_vevent_relations
from lifevalley.observability import FEED_BUILDS
from lifevalley.page_cache import current_version
from zones.models import Zone

# Whole feeds are cached only for these filters (by parameter names): a bounded set of keys,
# one per language and zone or category, however many distinct URLs arrive. Every other
# filter is assembled from the shared per-event VEVENTs.
WHOLE_FEED_FILTERS = {(), ("zone",), ("category",)}
FEED_CACHE_SECONDS = 600
COMPONENT_CACHE_SECONDS = 24 * 3600
# Whole feeds a worker keeps in memory (about 0.7 MB each).
WORKER_FEEDS = 8


# Last-Modified ----------------------------------------------------------------------------------

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar_name(description=""):
    site = _("Life Valley events")
    return f"{site} · {description}" if description else site


def calendar_response(data, *, filename=None):
    """``data`` as text/calendar, uncompressed and kept out of search engines."""
    response = HttpResponse(data, content_type=CALENDAR_CONTENT_TYPE)
    response["X-Robots-Tag"] = "noindex"
    # no-transform: proxies must not recompress or rewrite the calendar.
    response["Cache-Control"] = "public, max-age=900, no-transform"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _earliest(queryset, field):
    return Subquery(queryset.order_by(field).values(field)[:1])


class FeedClock(NamedTuple):
    last_modified: object  # datetime, or None when nothing was ever published
    next_change: object  # the next moment the feed may change by the clock alone, or None


def feed_clock(now):
    """The feed's Last-Modified and its next change by the clock, in one query.

    Last-Modified never goes backwards: FeedState moves on every write and delete of events
    (and deletions of what they show); the other terms are the latest change of events and of
    the venues, zones and organisations a VEVENT shows, and the moments something appeared or
    left by the clock alone (publication windows, the feed's past window). The next change is
    the earliest of those moments still to come. Each term is a one-row subquery of the
    FeedState row, evaluated once.
    """

    def window_moments(model, name):
        return {
            f"{name}_updated": _latest(model.objects.all(), "updated_at"),
            f"{name}_appeared": _latest(model.objects.filter(publish_from__lte=now),
                                        "publish_from"),
            f"{name}_expired": _latest(model.objects.filter(publish_until__lte=now),
                                       "publish_until"),
            f"{name}_appears": _earliest(model.objects.filter(publish_from__gt=now),
                                         "publish_from"),
            f"{name}_expires": _earliest(model.objects.filter(publish_until__gt=now),
                                         "publish_until"),
        }

    window_start = now - ical.FEED_PAST_WINDOW
    terms = {
        **window_moments(Event, "event"),
        "aged_out": _latest(Event.objects.filter(series_ends_at__lte=window_start),
                            "series_ends_at"),
        "ages_out": _earliest(Event.objects.filter(series_ends_at__gt=window_start),
                              "series_ends_at"),
        "venue_updated": _latest(Venue.objects.all(), "updated_at"),
        **window_moments(Zone, "zone"),
        **window_moments(Organisation, "organisation"),
    }
    row = FeedState.objects.filter(pk=1).values("changed_at", **terms).first()
    if row is None:  # no event was ever saved through the models: no FeedState row yet
        row = Event.objects.aggregate(updated=Max("updated_at"))
    for name in ("aged_out", "ages_out"):
        if row.get(name):
            row[name] += ical.FEED_PAST_WINDOW
    coming = {"ages_out"} | {name for name in row if name.endswith(("_appears", "_expires"))}
    past = [value for name, value in row.items() if value and name not in coming]
    future = [value for name, value in row.items() if value and name in coming]
    return FeedClock(max(past) if past else None, min(future) if future else None)


# Whole feeds ------------------------------------------------------------------------------------

class WholeFeed(NamedTuple):
    """A built feed as it is cached, with what it is valid for."""

    content_version: int
    expires_at: float  # a timestamp
    last_modified: object
    etag: str
    data: bytes

    def is_fresh(self, content_version, now):
        return self.content_version == content_version and now.timestamp() < self.expires_at


_worker_feeds = OrderedDict()


def _vevent_prefix():
    return ":".join([
        "events:vevent", ical.OUTPUT_VERSION, get_language(),
        hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:8],
    ])


def _component_key(prefix, pk, version):
    return f"{prefix}:{pk}:{hashlib.sha256(version.encode()).hexdigest()[:16]}"


def _size_key(component_key):
    """Where the length of the VEVENT cached under ``component_key`` is kept."""
    return component_key + ":bytes"


def _mean_size_key(prefix):
    return prefix + ":mean-bytes"


class ComponentSizes(NamedTuple):
    sizes: list  # each event's VEVENT length in bytes, in the given order; None if unknown
    mean: object  # the mean VEVENT length of the latest feed assembled, or None


def component_sizes(versions):
    """The lengths of the cached VEVENTs of these (pk, version) pairs (``feed_versions``), in
    the active language, in one cache round-trip; nothing is built and nothing is queried."""
    prefix = _vevent_prefix()
    keys = [_size_key(_component_key(prefix, pk, version)) for pk, version in versions]
    mean_key = _mean_size_key(prefix)
    found = cache.get_many([*keys, mean_key])
    return ComponentSizes([found.get(key) for key in keys], found.get(mean_key))


def _whole_feed_key(params, content_version):
    """The cache key of the whole feed of these filter ``params``, or None when such feeds
    are not kept whole (see WHOLE_FEED_FILTERS) or the cache does not answer."""
    if content_version is None or tuple(name for name, _value in params) not in WHOLE_FEED_FILTERS:
        return None
    return "events:feed:" + hashlib.sha256(repr((_vevent_prefix(), params)).encode()).hexdigest()


def cached_feed_bytes(params, now):
    """The bytes of the feed of these canonical filter ``params`` if a whole copy is cached and
    fresh, else None; nothing is built and nothing is queried."""
    content_version = current_version()
    entry = _fresh_whole_feed(_whole_feed_key(params, content_version), content_version, now)
    return None if entry is None else entry.data


def _fresh_whole_feed(key, content_version, now):
    """The whole feed stored under ``key`` if it is still fresh, else None: this worker's copy,
    else the shared cache's (which another worker may have renewed)."""
    if key is None:
        return None
    entry = _worker_feeds.get(key)
    if entry is None or not entry.is_fresh(content_version, now):
        entry = cache.get(key)
        if entry is None or not entry.is_fresh(content_version, now):
            return None
        _remember(key, entry)
    return entry


def _remember(key, entry):
    _worker_feeds[key] = entry
    _worker_feeds.move_to_end(key)
    while len(_worker_feeds) > WORKER_FEEDS:
        _worker_feeds.popitem(last=False)


def _request_params(request):
    return sorted((name, value) for name, values in request.GET.lists() for value in values)


# The feed of one request --------------------------------------------------------------------------

class FeedResult:
    """The feed of one request: its validated filter, Last-Modified, ETag and (lazily) bytes.

    Each VEVENT is serialised once per event version and language and cached under that
    version (``EventQuerySet.feed_versions``), shared by every filter; a feed is its envelope
    around the cached VEVENTs of its events, the missing ones built in one query. The ETag is
    a hash of what the bytes are a function of (the envelope and each event's version, in
    order), so a conditional request is answered without building anything. A whole feed
    still fresh (see the module's docstring) answers without the database.
    """

    def __init__(self, request):
        self.now = timezone.now()
        self.prefix = _vevent_prefix()
        self.last_modified = None
        self._etag = self._data = self._keys = self._events = None
        # Only a conditional request may be answered without the bytes: any other fetches
        # its events whole with their versions, in one query, ready to build what is missing.
        self.conditional = any(
            header in request.META
            for header in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
        )
        self.params = _request_params(request)
        self.content_version = current_version()
        self.whole_key = _whole_feed_key(self.params, self.content_version)
        entry = _fresh_whole_feed(self.whole_key, self.content_version, self.now)
        if entry is not None:
            self.valid = True
            self.last_modified, self._etag, self._data = entry[2:]
            return
        self.filterset = EventFilter(
            request.GET, queryset=Event.objects.published(self.now), request=request
        )
        self.valid = self.filterset.is_valid()
        if not self.valid:
            return
        if self.filterset.canonical_query() != self.params:
            self.whole_key = None  # only the canonical URL of a filter is kept whole
        self.name = calendar_name(self.filterset.describe())
        self.last_modified, self.next_change = feed_clock(self.now)
        if entry is not None and entry.last_modified == self.last_modified:
            # Other content changed, not the feed: the same bytes, valid for this version.
            self._etag, self._data = entry.etag, entry.data
            self._store()

    @property
    def keys(self):
        """{pk: component cache key} of the feed's events, in feed order (one query)."""
        if self._keys is None:
            if self.conditional:
                versions = self.filterset.qs.feed_versions(self.now)
            else:
                self._events = {
                    event.pk: event
                    for event in self.filterset.qs.for_feed_with_versions(self.now)
                }
                versions = [(pk, event.feed_version) for pk, event in self._events.items()]
            self._keys = {pk: _component_key(self.prefix, pk, version)
                          for pk, version in versions}
        return self._keys

    @property
    def etag(self):
        if not self.valid:
            return None
        if self._etag is None:
            head, _tail = ical.envelope(self.name)
            inputs = hashlib.sha256(head)
            inputs.update(repr((ical.FEED_MAX_BYTES, list(self.keys.values()))).encode())
            self._etag = '"' + inputs.hexdigest()[:40] + '"'
        return self._etag

    @property
    def data(self):
        if self._data is None:
            keys = list(self.keys.values())
            found = cache.get_many(keys + [_size_key(key) for key in keys])
            parts = {key: found[key] for key in keys if key in found}
            missing = [pk for pk, key in self.keys.items() if key not in parts]
            built = {}
            if missing:
                built = {
                    self.keys[event.pk]: ical.feed_component(event, base_url=settings.SITE_URL)
                    for event in self._events_to_build(missing)
                }
                parts.update(built)
            # The lengths the subscription builder reads (component_sizes), where not kept yet.
            sizes = {_size_key(key): len(part) for key, part in parts.items()
                     if key in built or _size_key(key) not in found}
            if sizes:
                sizes[_mean_size_key(self.prefix)] = sum(map(len, parts.values())) / len(parts)
                cache.set_many({**built, **sizes}, COMPONENT_CACHE_SECONDS)
            ordered = [parts[key] for key in self.keys.values() if key in parts]
            self._data = ical.assemble(ordered, name=self.name, max_bytes=ical.FEED_MAX_BYTES)
            FEED_BUILDS.inc()
            self._store()
        return self._data

    def _events_to_build(self, pks):
        if self._events is None:  # a conditional request whose ETag did not match
            return Event.objects.filter(pk__in=pks).for_feed(self.now)
        events = [self._events[pk] for pk in pks]
        prefetch_vevent_relations(events, self.now)
        return events

    def _store(self):
        if not self.whole_key:
            return
        expires_at = self.now.timestamp() + FEED_CACHE_SECONDS
        if self.next_change is not None:
            expires_at = min(expires_at, self.next_change.timestamp())
        if expires_at <= self.now.timestamp():
            return
        entry = WholeFeed(self.content_version, expires_at, self.last_modified, self.etag,
                          self._data)
        cache.set(self.whole_key, entry, FEED_CACHE_SECONDS)
        _remember(self.whole_key, entry)


def feed_for_request(request):
    """Made once per request: the condition callbacks and the view share it."""
    if not hasattr(request, "_events_feed"):
        request._events_feed = FeedResult(request)
    return request._events_feed


@require_safe
@condition(
    etag_func=lambda request: feed_for_request(request).etag,
    last_modified_func=lambda request: feed_for_request(request).last_modified,
)
def feed_ics(request):
    """The subscription feed, filtered like /events/ (a bad filter is a 400)."""
    feed = feed_for_request(request)
    if not feed.valid:
        lines = [_("This calendar filter is not valid:")]
        for field, errors in feed.filterset.errors.items():
            label = field if field != "__all__" else _("filter")
            lines.extend(f"{label}: {error}" for error in errors)
        return HttpResponseBadRequest(
            "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
        )
    return calendar_response(feed.data)


# One event ------------------------------------------------------------------------------------

@require_safe
def event_ics(request, slug):
    """One event as a one-time .ics copy (no calendar name: Outlook would make a calendar)."""
    now = timezone.now()
    event = get_object_or_404(Event.objects.published(now).for_calendar(now), slug=slug)
    data = ical.build_calendar([event], base_url=settings.SITE_URL)
    return calendar_response(data, filename=f"{event.slug}.ics")
