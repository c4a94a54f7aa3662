import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from events import month_grid, subscribe
from events.changes import change_text
from events.feeds import calendar_name
from events.filters import EventFilter, organiser_suggestions
from events.models import Event
from events.structured_data import event_structured_data
from events.subscribe import subscribe_links
from lifevalley.listing import ListingMixin
from lifevalley.timezones import BEIJING
from lifevalley.views import PublishedDetailView

# The month grid covers these years; anything else (e.g. 9999/13) is a 404.
FIRST_YEAR, LAST_YEAR = 1990, 2200
DAY_CELL_LIMIT = 3
# What the grid shows of the events it shows (a few a day): their times come from Timing.
MONTH_GRID_FIELDS = ("title", "slug", "is_all_day", "status")


# Lists ----------------------------------------------------------------------------------------

class EventListView(ListingMixin, View):
    """Upcoming (soonest first) or past (most recent first) events, filtered and paginated
    (lifevalley/listing.py: a bad filter is a 400, a bad page a 404)."""

    template_name = "events/event_list.html"
    past = False

    def get(self, request):
        now = timezone.now()
        published = Event.objects.published(now).for_cards(now)
        base = published.past(now) if self.past else published.upcoming(now)
        filterset = EventFilter(request.GET, queryset=base, request=request)
        context = {
            "filter": filterset,
            "past": self.past,
            "organiser_options": organiser_suggestions(base, now),
        }
        self.check_filter(filterset, context)
        # One pass over the feed's window counts it for the builder and, being all of them,
        # the upcoming events for the upcoming list.
        upcoming, in_window = subscribe.window_counts(filterset, now)
        page = self.paginate(filterset.qs, context, count=None if self.past else upcoming)
        description = filterset.describe()
        links = subscribe_links(filterset.canonical_query(), name=calendar_name(description))
        context.update(
            {
                "events": page.object_list,
                "is_filtered": bool(filterset.active()),
                "filter_description": description,
                "subscribe": links,
                # The feed of exactly this filter: what it holds, its QR code (events/subscribe.py).
                **subscribe.builder_context(filterset, links, now, in_window=in_window),
            }
        )
        return render(request, self.template_name, context)


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
    published = Event.objects.published(now)
    timings = [  # hundreds in a busy month: their times alone, rows rather than events
        month_grid.Timing(*row) for row in
        published.overlapping(start, end).order_by().stored_values_list(*month_grid.Timing.FIELDS)
        # (sorted here: an ORDER BY makes SQLite walk the start index instead)
    ]
    timings.sort(key=lambda timing: (timing.starts_at, timing.pk))
    by_day = month_grid.occurrence_days(
        [timing for timing in timings if not timing.is_month_only], first, following
    )
    today = timezone.localtime(now, BEIJING).date()
    weeks = month_grid.month_weeks(year, month, by_day, today=today, limit=DAY_CELL_LIMIT)
    month_only = [timing.pk for timing in timings if timing.is_month_only]
    events = (
        published.filter(pk__in=[*month_grid.shown_pks(weeks), *month_only])
        .only(*MONTH_GRID_FIELDS).in_bulk()
    )
    month_grid.show_events(weeks, events)
    context = {
        "month": first,
        "weeks": weeks,
        "agenda": month_grid.busy_days(weeks),
        "month_only": [events[pk] for pk in month_only if pk in events],
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
