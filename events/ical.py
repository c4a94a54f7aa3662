"""iCalendar (RFC 5545) output of events, built with the ``icalendar`` library only.

Small pure functions over already-fetched events: the views choose the queryset and wrap the
bytes in a ``text/calendar`` response. Every rule here answers a failure that real calendar
clients (Google, Outlook, Apple, Thunderbird) hit with published feeds; see DESIGN.md.
"""

import datetime
import functools
import unicodedata

import icalendar
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import BEIJING

PRODID = "-//Zhongguancun Life Science Park//Life Valley events//EN"
TZID = "Asia/Shanghai"
REFRESH_INTERVAL = datetime.timedelta(hours=4)

# The feed holds upcoming events plus this much of the past (older events stay on the site).
FEED_PAST_WINDOW = datetime.timedelta(days=90)
# Hard caps: Google silently drops what lies past about 1 MB, so stay well under it. An event
# takes 600–900 bytes, so 1,000 events fit the byte budget; the budget is the final guard.
FEED_MAX_EVENTS = 1000
FEED_MAX_BYTES = 750_000
# In the feed a description is cut to this many characters, with a link to the full page.
FEED_DESCRIPTION_CHARS = 160

VTIMEZONE_FIRST_DATE = datetime.date(1970, 1, 1)
VTIMEZONE_LAST_DATE = datetime.date(2100, 1, 1)

ICAL_STATUS = {
    "scheduled": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}


def clean_text(text, *, single_line=False):
    """Text safe for an iCal TEXT value: control characters stripped, newlines normalised.

    The library escapes commas, semicolons, backslashes and newlines; control characters
    (NUL, escape, vertical tab…) it would pass through, and several clients reject them.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char == "\n":
            kept.append(" " if single_line else "\n")
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cs"} or char in "\u2028\u2029":
            continue
        else:
            kept.append(char)
    result = "".join(kept)
    return " ".join(result.split()) if single_line else result.strip()


def _truncate(text, limit):
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def plain_description(event, *, event_url, description_limit=None):
    """The DESCRIPTION: summary, description, organisers, registration and a link back."""
    parts = []
    if event.is_month_only:
        parts.append(
            _("Held in %(month)s; the exact dates have not been announced.")
            % {"month": date_format(event.local_start, "YEAR_MONTH_FORMAT")}
        )
    if event.summary:
        parts.append(clean_text(event.summary))
    if event.description and not (description_limit and event.summary):
        # The feed carries the summary, or else the start of the description; the event page
        # and its single-event file carry everything.
        parts.append(_truncate(clean_text(event.description), description_limit))
    organisers = getattr(event, "public_organisers", [])
    if organisers:
        names = ", ".join(clean_text(o.name, single_line=True) for o in organisers)
        parts.append(_("Organised by %(names)s") % {"names": names})
    if event.registration_url:
        parts.append(_("Registration: %(url)s") % {"url": event.registration_url})
    parts.append(_("Details: %(url)s") % {"url": event_url})
    return "\n\n".join(part for part in parts if part)


def event_title(event):
    title = clean_text(event.title, single_line=True)
    if event.status == "cancelled":
        return _("Cancelled: %(title)s") % {"title": title}
    if event.status == "postponed":
        return _("Postponed: %(title)s") % {"title": title}
    return title


def event_location(event):
    if event.venue_id:
        return clean_text(event.venue.display, single_line=True)
    if event.zone:  # None when the zone is not public (EventQuerySet.for_cards)
        return clean_text(event.zone.name, single_line=True)
    return ""


def event_component(event, *, base_url, description_limit=None):
    """One VEVENT for ``event`` (with its RRULE/EXDATE when it repeats).

    ``base_url`` is the site's public address (``settings.SITE_URL``); links are made absolute
    with it. DTSTAMP is the event's last change, not the clock, so unchanged output is
    byte-for-byte identical.
    """
    event_url = base_url + event.get_absolute_url()
    changed = event.updated_at.astimezone(datetime.UTC)
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", changed)
    component.add("last-modified", changed)
    component.add("sequence", event.sequence)
    component.add("summary", event_title(event))
    if event.is_all_day:
        first = event.local_start.date()
        last = event.local_end.date()
        component.add("dtstart", first)
        component.add("dtend", max(first, last) + datetime.timedelta(days=1))  # exclusive
    else:
        component.add("dtstart", timezone.localtime(event.starts_at, BEIJING))
        component.add("dtend", timezone.localtime(event.ends_at, BEIJING))
    if event.rule is not None:
        component.add("rrule", icalendar.vRecur.from_ical(event.recurrence_rule))
        if event.exdates:
            component.add("exdate", event.exdates)
    component.add("status", ICAL_STATUS[event.status])
    component.add("url", event_url)
    location = event_location(event)
    if location:
        component.add("location", location)
    organisers = getattr(event, "public_organisers", [])
    if organisers:
        first = organisers[0]
        address = f"mailto:{first.email}" if first.email else base_url + first.get_absolute_url()
        organizer = icalendar.vCalAddress(address)
        organizer.params["CN"] = clean_text(first.name, single_line=True)
        component.add("organizer", organizer)
    if event.category_id:
        component.add("categories", [clean_text(event.category.name, single_line=True)])
    component.add(
        "description",
        plain_description(event, event_url=event_url, description_limit=description_limit),
    )
    return component


def build_calendar(events, *, base_url, name=None, description_limit=None):
    """A whole VCALENDAR as bytes (CRLF lines, folded at 75 octets on character boundaries).

    ``name`` is the calendar's name (X-WR-CALNAME) and marks a subscription: a single-event
    file passes none, because Outlook treats a named file as a calendar of its own.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", clean_text(name, single_line=True))
    calendar.add("x-wr-timezone", TZID)
    if name:
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL).to_ical().decode())
    for event in events:
        calendar.add_component(
            event_component(event, base_url=base_url, description_limit=description_limit)
        )
    # Every time is Beijing time, so the one VTIMEZONE is always included: even a file of
    # all-day events then describes the zone X-WR-TIMEZONE names.
    calendar.subcomponents.insert(0, beijing_vtimezone())
    return calendar.to_ical()


@functools.cache
def beijing_vtimezone():
    """The full VTIMEZONE of Asia/Shanghai, made by the library from the tz database once.

    (The same as ``Calendar.add_missing_timezones()`` would add, which costs several
    milliseconds a call.)
    """
    return icalendar.Timezone.from_tzinfo(
        BEIJING, tzid=TZID, first_date=VTIMEZONE_FIRST_DATE, last_date=VTIMEZONE_LAST_DATE
    )


def build_feed(events, *, base_url, name):
    """The subscription feed: at most FEED_MAX_BYTES, dropping the farthest events if needed."""
    events = list(events)[:FEED_MAX_EVENTS]
    data = build_calendar(
        events, base_url=base_url, name=name, description_limit=FEED_DESCRIPTION_CHARS
    )
    while len(data) > FEED_MAX_BYTES and events:
        keep = max(0, min(len(events) - 1, int(len(events) * FEED_MAX_BYTES / len(data) * 0.95)))
        events = events[:keep]
        data = build_calendar(
            events, base_url=base_url, name=name, description_limit=FEED_DESCRIPTION_CHARS
        )
    return data
