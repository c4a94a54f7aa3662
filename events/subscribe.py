"""The subscription builder: what the feed of exactly this filter holds, and how to get it.

Shown under a filtered list of events: how many events the feed carries now, its size against
the cap (and what the cap leaves out), the per-client links, the address to copy and a QR code
of it, drawn by the site as inline SVG so a phone can subscribe from a poster or a screen.
"""

import functools
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from events import ical
from events.feeds import cached_feed_bytes
from events.models import Event, ending_after

# Past this share of either cap the builder warns that the feed is nearly full.
NEAR_CAP_SHARE = 0.8
# A QR code survives a poster's smudges and a screen's glare at level M (15 % redundancy).
QR_ERROR_LEVEL = "m"
QR_SCALE = 4


def subscribe_links(params=(), *, name="", path=None):
    """Links that subscribe a calendar app to the feed with exactly these filter ``params``
    (or to the feed at ``path``, such as a personal shortlist's).

    webcal:// opens Apple Calendar and Thunderbird; Outlook wants the https:// address; Google's
    link comes last in the template, since Google is unreachable in mainland China.
    """
    path = path or reverse("events:feed")
    if params:
        path += "?" + urlencode(list(params))
    url = settings.SITE_URL + path
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "url": url,
        "webcal": webcal,
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": url, "name": name}),
        "google": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "name": name,
    }


@functools.lru_cache(maxsize=512)  # choosing the best of eight masks costs a few ms
def qr_svg(address):
    """An inline ``<svg>`` QR code of ``address`` (safe to render: segno writes only a path)."""
    code = segno.make(address, error=QR_ERROR_LEVEL, micro=False)
    return mark_safe(code.svg_inline(scale=QR_SCALE, border=4, omitsize=False))  # noqa: S308


def feed_status(list_filter, now, upcoming_count=None):
    """What the feed of a list's validated ``list_filter`` holds now, against its caps.

    A list page never builds the feed: ``bytes`` is the size of a cached whole copy (the
    unfiltered, zone and category feeds are kept whole once fetched), else None. ``in_window``
    counts every published event of the filter the feed's window covers, ``count`` those the
    feed carries; what the caps leave out is the farthest events, so the builder names the
    first of them. ``upcoming_count``, when the list has counted the filter's upcoming events,
    spares counting them again.
    """
    window = (
        list_filter.filter_queryset(Event.objects.published(now))
        .not_over(now - ical.FEED_PAST_WINDOW).order_by("starts_at", "pk")
    )
    data = cached_feed_bytes(list_filter.canonical_query(), now)
    if data is None:
        # A count that stops one past the cap: it walks at most that many index entries,
        # whatever the size of the calendar.
        count = min(window[:ical.FEED_MAX_EVENTS + 1].count(), ical.FEED_MAX_EVENTS)
        size = None
    else:
        count, size = data.count(b"BEGIN:VEVENT\r\n"), len(data)
    near_cap = (count >= NEAR_CAP_SHARE * ical.FEED_MAX_EVENTS
                or (size or 0) >= NEAR_CAP_SHARE * ical.FEED_MAX_BYTES)
    first_left_out = None
    if near_cap:  # only a feed near a cap can have left events out
        next_start = window.values_list("starts_at", flat=True)[count:count + 1]
        first_left_out = next(iter(next_start), None)
    if not first_left_out:
        in_window = count
    elif upcoming_count is not None:  # the rest of the window: events over in its past days
        in_window = upcoming_count + window.exclude(ending_after(now)).count()
    else:
        in_window = window.count()
    return {
        "count": count,
        "in_window": in_window,
        "left_out": in_window - count,
        "first_left_out": first_left_out,
        "bytes": size,
        "max_bytes": ical.FEED_MAX_BYTES,
        "max_events": ical.FEED_MAX_EVENTS,
        "share": None if size is None else round(100 * size / ical.FEED_MAX_BYTES),
        "near_cap": near_cap,
        "past_days": ical.FEED_PAST_WINDOW.days,
    }


def builder_context(list_filter, links, now, upcoming_count=None):
    """Context for the builder's templates (``links`` from subscribe_links)."""
    return {
        "feed_status": feed_status(list_filter, now, upcoming_count),
        "qr_svg": qr_svg(links["webcal"]),
    }
