"""The feed check of the back office: each subscription feed as a calendar client gets it.

For the whole feed and each zone and category feed: how many events it holds, its bytes
against the cap, whether the bytes parse as iCalendar, and when its events last changed.
Built by the same ``FeedResult`` as ``/events/feed.ics``, so the figures are the served bytes.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import icalendar
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from events import ical
from events.feeds import FeedResult
from events.models import EventCategory
from zones.models import Zone


@dataclass
class FeedFigures:
    label: str
    url: str
    count: int
    size: int
    share: int
    parses: bool
    error: str
    last_changed: object  # the latest LAST-MODIFIED of its events, or None
    near_cap: bool


def feed_filters():
    """(label, query) of the whole feed, then every public zone's and every category's."""
    filters = [("", "")]
    filters += [(zone.name, f"zone={zone.slug}") for zone in Zone.objects.published()]
    filters += [(category.name, f"category={category.slug}")
                for category in EventCategory.objects.all()]
    return filters


def check_feed(label, query):
    feed = FeedResult(SimpleNamespace(GET=QueryDict(query), META={}))
    data = feed.data
    parses, error, count, last_changed = True, "", 0, None
    try:
        vevents = icalendar.Calendar.from_ical(data).walk("VEVENT")
    except ValueError as failure:
        parses, error = False, str(failure)[:200]
    else:
        count = len(vevents)
        changes = [v["LAST-MODIFIED"].dt for v in vevents if "LAST-MODIFIED" in v]
        last_changed = timezone.localtime(max(changes)) if changes else None
    share = round(100 * len(data) / ical.FEED_MAX_BYTES)
    return FeedFigures(
        label=label,
        url=reverse("events:feed") + (f"?{query}" if query else ""),
        count=count,
        size=len(data),
        share=share,
        parses=parses,
        error=error,
        last_changed=last_changed,
        near_cap=share >= 80 or count >= 0.8 * ical.FEED_MAX_EVENTS,
    )


def check_feeds():
    return [check_feed(label, query) for label, query in feed_filters()]
