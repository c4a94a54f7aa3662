"""iCalendar (RFC 5545) output of events, built with the ``icalendar`` library only.

Small pure functions over already-fetched events: the views choose the queryset and wrap the
bytes in a ``text/calendar`` response. Every rule here answers a failure that real calendar
clients (Google, Outlook, Apple, Thunderbird) hit with published feeds; see DESIGN.md.
"""

import datetime
import functools
import hashlib
import re
from pathlib import Path

import icalendar
from django.urls import get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import Contentline

from events import limits
from events.changes import recent_change_texts
from events.models import Event
from lifevalley.timezones import BEIJING, PARK_TIME_ZONE

PRODID = "-//Zhongguancun Life Science Park//Life Valley events//EN"
TZID = PARK_TIME_ZONE
REFRESH_INTERVAL = datetime.timedelta(hours=4)

# In the feed a description is cut to this many characters, with a link to the full page.
FEED_DESCRIPTION_CHARS = 160

VTIMEZONE_FIRST_DATE = datetime.date(1970, 1, 1)
VTIMEZONE_LAST_DATE = datetime.date(2100, 1, 1)


def __getattr__(name):
    """``ical.FEED_MAX_EVENTS`` and the feed's other limits, read from events/limits.py each
    time (the feed modules name them here; a limit changed there changes for every reader)."""
    if name.startswith("FEED_") and hasattr(limits, name):
        return getattr(limits, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ICAL_STATUS = {
    Event.Status.SCHEDULED: "CONFIRMED",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CANCELLED: "CANCELLED",
}


# Control characters (Unicode category Cc), surrogates (Cs) and the line/paragraph separators.
_UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def clean_text(text, *, single_line=False):
    """Text safe for an iCal TEXT value: control characters stripped, newlines normalised.

    The library escapes commas, semicolons, backslashes and newlines; control characters
    (NUL, escape, vertical tab…) it would pass through, and several clients reject them.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _UNSAFE_CHARACTERS.sub("", text)
    if single_line:
        return " ".join(text.split())
    return text.strip()


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
    # What changed comes first, so a calendar shows why the event moved (events/changes.py).
    parts.extend(clean_text(text) for text in recent_change_texts(event))
    summary = event.summary  # each translated field is read once: reads cost a lookup
    if summary:
        parts.append(clean_text(summary))
    if not (description_limit and summary):
        # The feed carries the summary, or else the start of the description; the event page
        # and its single-event file carry everything.
        description = event.description
        if description:
            parts.append(_truncate(clean_text(description), description_limit))
    organisers = event.organisers_shown
    if organisers:
        names = ", ".join(clean_text(o.name, single_line=True) for o in organisers)
        parts.append(_("Organised by %(names)s") % {"names": names})
    if event.registration_url:
        parts.append(_("Registration: %(url)s") % {"url": event.registration_url})
    parts.append(_("Details: %(url)s") % {"url": event_url})
    return "\n\n".join(part for part in parts if part)


def event_title(event):
    return event.status_title(clean_text(event.title, single_line=True))


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
    byte-for-byte identical. Values are given to the library already typed (``vText``,
    ``vDDDTypes``…), which spares it guessing the type of each one.
    """
    event_url = base_url + slug_path("events:detail", event.slug)
    changed = icalendar.vDatetime(event.updated_at.astimezone(datetime.UTC))
    component = icalendar.Event()
    component["UID"] = icalendar.vText(event.uid)
    component["DTSTAMP"] = changed
    component["LAST-MODIFIED"] = changed
    component["SEQUENCE"] = icalendar.vInt(event.sequence)
    component["SUMMARY"] = icalendar.vText(event_title(event))
    if event.is_all_day:
        first = event.local_start.date()
        last = event.local_end.date()
        component["DTSTART"] = icalendar.vDDDTypes(first)
        # The end of an all-day event is exclusive: the day after the last.
        component["DTEND"] = icalendar.vDDDTypes(max(first, last) + datetime.timedelta(days=1))
    else:
        component["DTSTART"] = icalendar.vDatetime(event.starts_at.astimezone(BEIJING))
        component["DTEND"] = icalendar.vDatetime(event.ends_at.astimezone(BEIJING))
    if event.rule is not None:
        component.add("rrule", icalendar.vRecur.from_ical(event.recurrence_rule))
        if event.exdates:
            component.add("exdate", event.exdates)
    component["STATUS"] = _STATUS_VALUES[event.status]
    component["URL"] = icalendar.vUri(event_url)
    location = event_location(event)
    if location:
        component["LOCATION"] = icalendar.vText(location)
    organisers = event.organisers_shown
    if organisers:
        first = organisers[0]
        address = (
            f"mailto:{first.email}" if first.email
            else base_url + slug_path("directory:detail", first.slug)
        )
        organizer = icalendar.vCalAddress(address)
        organizer.params["CN"] = clean_text(first.name, single_line=True)
        component.add("organizer", organizer)
    if event.category_id:
        component["CATEGORIES"] = _categories(event.category.name)
    component["DESCRIPTION"] = icalendar.vText(
        plain_description(event, event_url=event_url, description_limit=description_limit)
    )
    return component


# Values many events share are made once: the library's value objects are never changed
# after they are made, so components may share them.
_STATUS_VALUES = {status: icalendar.vText(value) for status, value in ICAL_STATUS.items()}


@functools.lru_cache(maxsize=256)
def _categories(name):
    return icalendar.vCategory([clean_text(name, single_line=True)])


_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def slug_path(route, slug):
    """``reverse(route, kwargs={"slug": slug})`` (the model's get_absolute_url) in the active
    language, from one reverse per route and language: a feed makes a thousand of these."""
    if not _SLUG.match(slug):
        return reverse(route, kwargs={"slug": slug})
    return _path_template(route, get_language(), get_urlconf()).replace("--slug--", slug)


@functools.lru_cache(maxsize=32)
def _path_template(route, language, urlconf):
    return reverse(route, kwargs={"slug": "--slug--"}, urlconf=urlconf)


def build_calendar(events, *, base_url, name=None, description_limit=None):
    """A whole VCALENDAR as bytes (CRLF lines, folded at 75 octets on character boundaries).

    ``name`` is the calendar's name (X-WR-CALNAME) and marks a subscription: a single-event
    file passes none, because Outlook treats a named file as a calendar of its own.
    """
    parts = [
        serialise(event_component(event, base_url=base_url, description_limit=description_limit))
        for event in events
    ]
    return assemble(parts, name=name)


# Serialising ----------------------------------------------------------------------------------
#
# A feed is its envelope (VCALENDAR properties and the VTIMEZONE), then one serialised VEVENT
# per event, then END:VCALENDAR: exactly the bytes ``Calendar.to_ical()`` gives for the same
# calendar, since a component serialises as its own content lines in order. So a VEVENT is
# serialised once per event version and language and shared by every feed (see the views).

FOLD_OCTETS = 75


def serialise(component):
    """``component.to_ical()`` of a component without subcomponents, byte for byte, at a
    fraction of the cost.

    Each content line (name, parameters, escaped value) is the library's ``Contentline``, in
    the library's property order; what is left out is the work the library repeats for every
    line (a fresh ``Parameters`` for each, sorting the property names of every component).
    Only the folding is done here: the library folds every line character by character, where
    almost every line is short or ASCII. Same rule as the library's: at most 74 octets before
    each break, continuation lines start with a space, and a break never follows a backslash
    or caret (tests/events/test_ical.py compares both on hard cases).
    """
    lines = [f"BEGIN:{component.name}"]
    for name in _property_order(tuple(component), component.canonical_order):
        values = component[name]
        for value in values if isinstance(values, list) else (values,):
            if name in SHARED_PROPERTIES and not value.params:
                lines.append(_shared_content_line(name, value))
            else:
                lines.append(Contentline.from_parts(name, value.params, value))
    lines.append(f"END:{component.name}")
    return b"".join(fold_line(line) + b"\r\n" for line in lines)


# Properties whose values many events share: their lines are made once per value. (Their
# values are text, integers or categories, which compare and hash by what they print.)
SHARED_PROPERTIES = frozenset({"STATUS", "SEQUENCE", "CATEGORIES", "LOCATION"})


@functools.lru_cache(maxsize=1024)
def _shared_content_line(name, value):
    return Contentline.from_parts(name, value.params, value)


@functools.lru_cache(maxsize=256)
def _property_order(names, canonical_order):
    """The order ``Component.to_ical()`` writes these properties in (sorted_keys)."""
    return canonsort_keys(names, canonical_order)


def fold_line(line):
    data = line.encode()
    if len(data) < FOLD_OCTETS:
        return data
    limit = FOLD_OCTETS - 1
    chunks = []
    if len(data) == len(line):  # ASCII: one octet a character
        start, size = 0, len(line)
        while size - start > limit:
            end = start + limit
            if line[end - 1] in "\\^":
                end -= 1
            chunks.append(line[start:end])
            start = end
        chunks.append(line[start:])
        return "\r\n ".join(chunks).encode()
    current, count = [], 0
    for char in line:
        octets = 1 if char < "\x80" else len(char.encode())
        if current and count + octets >= FOLD_OCTETS:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                chunks.append("".join(current))
                current, count = [carried], len(carried.encode())
            else:
                chunks.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += octets
    if current:
        chunks.append("".join(current))
    return "\r\n ".join(chunks).encode()


@functools.lru_cache(maxsize=64)
def envelope(name=None):
    """(head, tail) of a VCALENDAR named ``name``: everything but its VEVENTs, as bytes."""
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
    # Every time is Beijing time, so the one VTIMEZONE is always included: even a file of
    # all-day events then describes the zone X-WR-TIMEZONE names.
    calendar.add_component(beijing_vtimezone())
    whole = calendar.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert whole.endswith(tail)
    return whole[: -len(tail)], tail


def assemble(parts, *, name=None, max_bytes=None):
    """The VCALENDAR of the serialised VEVENTs ``parts``, in order.

    With ``max_bytes``, the parts that would take the file past it are left out (with all
    after them, so the soonest events stay): one pass over the parts' lengths.
    """
    head, tail = envelope(name)
    if max_bytes is not None:
        total = len(head) + len(tail)
        for count, part in enumerate(parts):
            total += len(part)
            if total > max_bytes:
                parts = parts[:count]
                break
    return head + b"".join(parts) + tail


@functools.cache
def beijing_vtimezone():
    """The full VTIMEZONE of Asia/Shanghai, made by the library from the tz database once.

    (The same as ``Calendar.add_missing_timezones()`` would add, which costs several
    milliseconds a call.)
    """
    return icalendar.Timezone.from_tzinfo(
        BEIJING, tzid=TZID, first_date=VTIMEZONE_FIRST_DATE, last_date=VTIMEZONE_LAST_DATE
    )


def feed_component(event, *, base_url):
    """One event's serialised VEVENT as the subscription feed carries it."""
    return serialise(
        event_component(event, base_url=base_url, description_limit=FEED_DESCRIPTION_CHARS)
    )


# What a feed's VEVENTs are made of: changing this module or a translation changes every one.
OUTPUT_VERSION = hashlib.sha256(
    b"".join(
        path.read_bytes()
        for path in [Path(__file__), *sorted(Path(__file__).resolve().parents[1].glob(
            "lifevalley/locale/*/LC_MESSAGES/django.mo"))]
    )
).hexdigest()[:12]
