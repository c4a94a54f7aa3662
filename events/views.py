import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from events import ical, month_grid, subscribe
from events.changes import change_text, latest_change_at, recent_change_texts
from events.feeds import calendar_name, calendar_response
from events.filters import EventFilter, organiser_suggestions
from events.models import BEIJING, Event
from events.subscribe import subscribe_links
from lifevalley.images import largest_rendition_url
from lifevalley.views import PublishedDetailView

# The month grid covers these years; anything else (e.g. 9999/13) is a 404.
FIRST_YEAR, LAST_YEAR = 1990, 2200
DAY_CELL_LIMIT = 3
MONTH_GRID_FIELDS = (
    "title", "slug", "starts_at", "ends_at", "is_all_day", "date_precision", "recurrence_rule",
    "exception_dates", "status",
)


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
        self.organiser_options = organiser_suggestions(base, self.now)
        if not self.filterset.is_valid():
            context = {"filter": self.filterset, "past": self.past, "events": [],
                       "organiser_options": self.organiser_options}
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
                "organiser_options": self.organiser_options,
                "is_filtered": bool(self.filterset.active()),
                "filter_description": description,
                "page_range": context["paginator"].get_elided_page_range(page.number),
                "subscribe": links,
                # The feed of exactly this filter: what it holds, its QR code (events/subscribe.py).
                **subscribe.builder_context(self.filterset, links, self.now),
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
    events = list(  # hundreds in a busy month: only what a day of the grid shows
        Event.objects.published(now)
        .overlapping(start, end)
        .only(*MONTH_GRID_FIELDS)
        .order_by("starts_at", "pk")
    )
    month_only = [event for event in events if event.is_month_only]
    dated = [event for event in events if not event.is_month_only]
    today = timezone.localtime(now, BEIJING).date()
    weeks = month_grid.month_weeks(
        year, month, month_grid.occurrence_days(dated, first, following),
        today=today, limit=DAY_CELL_LIMIT,
    )
    context = {
        "month": first,
        "weeks": weeks,
        "agenda": month_grid.busy_days(weeks),
        "month_only": month_only,
        "previous": previous if previous.year >= FIRST_YEAR else None,
        "next": following if following.year <= LAST_YEAR else None,
        "today": today,
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
                # A series without an end (series_ends_at empty) never ends.
                "has_ended": event.series_ends_at is not None and event.series_ends_at < now,
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

@require_safe
def event_ics(request, slug):
    """One event as a one-time .ics copy (no calendar name: Outlook would make a calendar)."""
    now = timezone.now()
    event = get_object_or_404(Event.objects.published(now).for_calendar(now), slug=slug)
    data = ical.build_calendar([event], base_url=settings.SITE_URL)
    return calendar_response(data, filename=f"{event.slug}.ics")


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
    upcoming = list(queryset.upcoming(now).for_cards(now)[:UPCOMING_SHOWN])
    return {
        "upcoming_events": upcoming,
        "events_more_url": reverse("events:list") + "?" + urlencode(params),
        # Subscribing to a feed with nothing coming would only add an empty calendar.
        "subscribe": subscribe_links(params, name=calendar_name(label)) if upcoming else None,
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
