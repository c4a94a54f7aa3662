import calendar
import datetime
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Max, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django.views.generic import ListView

from events import ical, subscribe
from events.changes import change_text, latest_change_at, recent_change_texts
from events.filters import EventFilter
from events.models import BEIJING, Event, FeedState, Venue
from events.subscribe import subscribe_links
from lifevalley.images import largest_rendition_url
from lifevalley.observability import FEED_BUILDS
from lifevalley.views import PublishedDetailView

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# The month grid covers these years; anything else (e.g. 9999/13) is a 404.
FIRST_YEAR, LAST_YEAR = 1990, 2200
DAY_CELL_LIMIT = 3


def calendar_name(description=""):
    site = _("Life Valley events")
    return f"{site} · {description}" if description else site


# Lists ----------------------------------------------------------------------------------------

class EventListView(ListView):
    """Upcoming (soonest first) or past (most recent first) events, filtered and paginated."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 20
    past = False

    def get(self, request, *args, **kwargs):
        self.now = timezone.now()
        published = Event.objects.published(self.now).for_cards(self.now)
        base = published.past(self.now) if self.past else published.upcoming(self.now)
        self.filterset = EventFilter(request.GET, queryset=base, request=request)
        if not self.filterset.is_valid():
            context = {"filter": self.filterset, "past": self.past, "events": []}
            return render(request, self.template_name, context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        description = self.filterset.describe()
        links = subscribe_links(self.filterset.canonical_query(), name=calendar_name(description))
        context.update(
            {
                "filter": self.filterset,
                "past": self.past,
                "is_filtered": bool(self.filterset.active()),
                "filter_description": description,
                "page_range": context["paginator"].get_elided_page_range(page.number),
                "subscribe": links,
                # The feed of exactly this filter: what it holds, its QR code (events/subscribe.py).
                **subscribe.builder_context(_feed(self.request), links),
            }
        )
        return context


# Month grid -----------------------------------------------------------------------------------

@require_safe
def month_view(request, year, month):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404(_("The calendar has no such month."))
    now = timezone.now()
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    start = datetime.datetime.combine(first, datetime.time.min, BEIJING)
    end = datetime.datetime.combine(following, datetime.time.min, BEIJING)
    events = list(
        Event.objects.published(now)
        .overlapping(start, end)
        .for_cards(now)
        .order_by("starts_at", "pk")
    )
    by_day = {}
    month_only = []
    for event in events:
        if event.is_month_only:
            month_only.append(event)
            continue
        for occurrence_start, occurrence_end in event.occurrences(start, end):
            day = max(occurrence_start.date(), first)
            last = occurrence_end.date()
            if not event.is_all_day and occurrence_end.time() == datetime.time.min and last > day:
                last -= datetime.timedelta(days=1)  # ends at midnight: not on the next day
            while day <= last and day < following:
                by_day.setdefault(day, []).append(
                    {"event": event, "start": occurrence_start, "end": occurrence_end}
                )
                day += datetime.timedelta(days=1)
    today = timezone.localtime(now, BEIJING).date()
    weeks = [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "is_today": day == today,
                "items": by_day.get(day, []) if day.month == month else [],
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    context = {
        "month": first,
        "weeks": weeks,
        "agenda": sorted(by_day.items()),
        "month_only": month_only,
        "previous": previous if previous.year >= FIRST_YEAR else None,
        "next": following if following.year <= LAST_YEAR else None,
        "today": today,
        "day_cell_limit": DAY_CELL_LIMIT,
        "subscribe": subscribe_links(name=calendar_name()),
    }
    return render(request, "events/event_month.html", context)


@require_safe
def current_month(request):
    today = timezone.localtime(timezone.now(), BEIJING).date()
    return redirect("events:month", year=today.year, month=today.month)


# Event page -----------------------------------------------------------------------------------

class EventDetailView(PublishedDetailView):
    model = Event
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return super().get_queryset().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        event = self.object
        context.update(
            {
                "parent": event.parent,  # None unless public (for_detail)
                "occurrences": event.next_occurrences(now, limit=10) if event.is_repeating else [],
                "structured_data": event_structured_data(event, event.parent),
                "subscribe": subscribe_links(name=calendar_name()),
                "ics_url": reverse("events:ics", kwargs={"slug": event.slug}),
                "changes": [(change, change_text(change)) for change in event.recent_changes],
            }
        )
        return context


SCHEMA_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_structured_data(event, parent=None):
    """schema.org Event data for the page (rendered by the ``json_ld`` tag in base.html)."""
    base = settings.SITE_URL

    def moment(value):
        local = timezone.localtime(value, BEIJING)
        return local.date().isoformat() if event.is_all_day else local.isoformat()

    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": base + event.get_absolute_url(),
        "startDate": moment(event.starts_at),
        "endDate": moment(event.ends_at),
        "eventStatus": SCHEMA_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.summary or event.description:
        data["description"] = event.summary or event.description[:500]
    if event.venue_id:
        data["location"] = {
            "@type": "Place",
            "name": event.venue.name,
            "address": event.venue.address or event.venue.name,
        }
    elif event.zone:  # None when the zone is not public (for_cards)
        data["location"] = {
            "@type": "Place", "name": event.zone.name, "address": "Changping, Beijing"
        }
    image = largest_rendition_url(event.image, event.image_width)
    if image:
        data["image"] = [base + image if image.startswith("/") else image]
    organisers = getattr(event, "public_organisers", [])
    if organisers:
        data["organizer"] = [
            {"@type": "Organization", "name": o.name, "url": base + o.get_absolute_url()}
            for o in organisers
        ]
    speakers = list(event.speakers.all())
    if speakers:
        data["performer"] = [
            {"@type": "Person", "name": s.name}
            | ({"affiliation": {"@type": "Organization", "name": s.affiliation}}
               if s.affiliation else {})
            for s in speakers
        ]
    if parent is not None:
        data["superEvent"] = {
            "@type": "Event", "name": parent.title, "url": base + parent.get_absolute_url()
        }
    if event.registration_url and not event.is_cancelled:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    return data


# iCalendar ------------------------------------------------------------------------------------

def calendar_response(data, *, filename=None):
    """``data`` as text/calendar, uncompressed and kept out of search engines."""
    response = HttpResponse(data, content_type=CALENDAR_CONTENT_TYPE)
    response["X-Robots-Tag"] = "noindex"
    # no-transform: proxies must not recompress or rewrite the calendar.
    response["Cache-Control"] = "public, max-age=900, no-transform"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request, slug):
    """One event as a one-time .ics copy (no calendar name: Outlook would make a calendar)."""
    now = timezone.now()
    event = get_object_or_404(Event.objects.published(now).for_calendar(now), slug=slug)
    data = ical.build_calendar([event], base_url=settings.SITE_URL)
    return calendar_response(data, filename=f"{event.slug}.ics")


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def feed_last_modified(now):
    """When any feed last changed, in one query. It never goes backwards: FeedState moves on
    every write and delete of events (and deletions of what they show); the other terms are
    the latest change of events and of the venues, zones and organisations a VEVENT shows,
    and the moments something appeared or left by the clock alone (publication windows, the
    feed's past window). Each term is a one-row subquery of the FeedState row, evaluated once.
    """
    from directory.models import Organisation
    from zones.models import Zone

    def window_moments(model, name):
        return {
            f"{name}_updated": _latest(model.objects.all(), "updated_at"),
            f"{name}_appeared": _latest(model.objects.filter(publish_from__lte=now),
                                        "publish_from"),
            f"{name}_expired": _latest(model.objects.filter(publish_until__lte=now),
                                       "publish_until"),
        }

    terms = {
        **window_moments(Event, "event"),
        "aged_out": _latest(
            Event.objects.filter(series_ends_at__lte=now - ical.FEED_PAST_WINDOW),
            "series_ends_at",
        ),
        "venue_updated": _latest(Venue.objects.all(), "updated_at"),
        **window_moments(Zone, "zone"),
        **window_moments(Organisation, "organisation"),
    }
    totals = FeedState.objects.filter(pk=1).values("changed_at", **terms).first()
    if totals is None:  # no event was ever saved through the models: no FeedState row yet
        totals = Event.objects.aggregate(updated=Max("updated_at"))
    if totals.get("aged_out"):
        totals["aged_out"] += ical.FEED_PAST_WINDOW
    moments = [value for value in totals.values() if value]
    return max(moments) if moments else None


# Whole feeds are cached only for these filters (by parameter names): a bounded set of keys,
# one per language and zone or category, however many distinct URLs arrive. Every other
# filter is assembled from the shared per-event VEVENTs.
WHOLE_FEED_FILTERS = {(), ("zone",), ("category",)}
FEED_CACHE_SECONDS = 600
COMPONENT_CACHE_SECONDS = 24 * 3600


class FeedResult:
    """The feed of one request: its validated filter, Last-Modified, ETag and (lazily) bytes.

    Each VEVENT is serialised once per event version and language and cached under that
    version (``EventQuerySet.feed_versions``), shared by every filter; a feed is its envelope
    around the cached VEVENTs of its events, the missing ones built in one query. The ETag is
    a hash of what the bytes are a function of (the envelope and each event's version, in
    order), so a conditional request is answered without building anything.
    """

    def __init__(self, request):
        self.now = timezone.now()
        self.filterset = EventFilter(
            request.GET, queryset=Event.objects.published(self.now), request=request
        )
        self.valid = self.filterset.is_valid()
        self.last_modified = None
        self._etag = self._data = self._keys = None
        if not self.valid:
            return
        self.name = calendar_name(self.filterset.describe())
        self.prefix = ":".join([
            "events:vevent", ical.OUTPUT_VERSION, get_language(),
            hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:8],
        ])
        self.last_modified = feed_last_modified(self.now)
        params = self.filterset.canonical_query()
        self.whole_key = None
        if tuple(name for name, _value in params) in WHOLE_FEED_FILTERS:
            self.whole_key = "events:feed:" + hashlib.sha256(
                repr((self.prefix, params)).encode()
            ).hexdigest()
            entry = cache.get(self.whole_key)
            if entry is not None and entry[0] == self.last_modified:
                _last_modified, self._etag, self._data = entry

    @property
    def keys(self):
        """{pk: component cache key} of the feed's events, in feed order (one query)."""
        if self._keys is None:
            self._keys = {
                pk: f"{self.prefix}:{pk}:{hashlib.sha256(version.encode()).hexdigest()[:16]}"
                for pk, version in self.filterset.qs.feed_versions(self.now)
            }
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
            parts = cache.get_many(list(self.keys.values()))
            missing = [pk for pk, key in self.keys.items() if key not in parts]
            if missing:
                built = {
                    self.keys[event.pk]: ical.feed_component(event, base_url=settings.SITE_URL)
                    for event in Event.objects.filter(pk__in=missing).for_feed(self.now)
                }
                cache.set_many(built, COMPONENT_CACHE_SECONDS)
                parts.update(built)
            ordered = [parts[key] for key in self.keys.values() if key in parts]
            self._data = ical.assemble(ordered, name=self.name, max_bytes=ical.FEED_MAX_BYTES)
            FEED_BUILDS.inc()
            if self.whole_key:
                cache.set(self.whole_key, (self.last_modified, self.etag, self._data),
                          FEED_CACHE_SECONDS)
        return self._data


def _feed(request):
    """Made once per request: the condition callbacks and the view share it."""
    if not hasattr(request, "_events_feed"):
        request._events_feed = FeedResult(request)
    return request._events_feed


@require_safe
@condition(
    etag_func=lambda request: _feed(request).etag,
    last_modified_func=lambda request: _feed(request).last_modified,
)
def feed_ics(request):
    """The subscription feed, filtered like /events/ (a bad filter is a 400)."""
    feed = _feed(request)
    if not feed.valid:
        lines = [_("This calendar filter is not valid:")]
        for field, errors in feed.filterset.errors.items():
            label = field if field != "__all__" else _("filter")
            lines.extend(f"{label}: {error}" for error in errors)
        return HttpResponseBadRequest(
            "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
        )
    return calendar_response(feed.data)


# News readers ---------------------------------------------------------------------------------

class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text (``type="text"``).

    Django writes ``<summary type="html">``, so a reader renders whatever markup a summary
    holds, ``<script>`` included. Our summaries are text, so say so and readers show it as such.
    """

    def add_item_elements(self, handler, item):
        description, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        item["description"] = description
        if description is not None:
            handler.addQuickElement("summary", description, {"type": "text"})


class NewEventsFeed(Feed):
    """Atom feed of newly published events, newest first.

    Every link is absolute on ``SITE_URL``: the syndication framework would take the scheme
    and host from the request (and leaves absolute URLs as they are).
    """

    feed_type = PlainTextAtomFeed
    title = gettext_lazy("New events at Life Valley")
    subtitle = gettext_lazy("Forums, conferences and seminars newly announced by the park.")
    limit = 30

    def link(self):
        return settings.SITE_URL + reverse("events:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("events:atom")

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def items(self):
        """Newly published events and, as updates, events whose time, place or status changed."""
        return (
            Event.objects.published()
            .filter(published_at__isnull=False)
            .annotate(
                news_at=Greatest("published_at", Coalesce(latest_change_at(), "published_at"))
            )
            .for_cards()
            .with_changes()
            .order_by("-news_at", "-pk")[: self.limit]
        )

    def item_title(self, item):
        if item.is_cancelled:
            return _("Cancelled: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item):
        start = timezone.localtime(item.starts_at, BEIJING)
        # An event known only to the month gets no invented day.
        when = date_format(start, "YEAR_MONTH_FORMAT" if item.is_month_only else "LONG_DATE_FORMAT")
        text = f"{when} · {item.summary}" if item.summary else when
        changes = recent_change_texts(item, limit=1)
        if changes:
            return _("Update: %(change)s") % {"change": changes[0]} + "\n\n" + text
        return text

    def item_pubdate(self, item):
        return max(item.published_at, item.publish_from or item.published_at)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]

    def item_guid(self, item):
        return f"urn:lifevalley:event:{item.uid}"

    def item_guid_is_permalink(self, item):
        return False


# Upcoming events on other apps' pages -----------------------------------------------------------

UPCOMING_SHOWN = 6


def upcoming_context(queryset, now, *, param, value, label):
    """Context for includes/_upcoming_section.html: the next few events and subscribe links."""
    params = [(param, value)]
    return {
        "upcoming_events": list(queryset.upcoming(now).for_cards(now)[:UPCOMING_SHOWN]),
        "events_more_url": reverse("events:list") + "?" + urlencode(params),
        "subscribe": subscribe_links(params, name=calendar_name(label)),
    }


def zone_events_context(zone, now):
    return upcoming_context(
        Event.objects.published(now).in_zone(zone), now, param="zone", value=zone.slug,
        label=zone.name,
    )


def organisation_events_context(organisation, now):
    """For the organisation page: render events/includes/_upcoming_for_organisation.html."""
    return upcoming_context(
        Event.objects.published(now).organised_by(organisation), now, param="organiser",
        value=organisation.slug, label=organisation.name,
    )
