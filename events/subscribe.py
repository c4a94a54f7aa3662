"""The subscription builder: what the feed of exactly this filter holds, and how to get it.

Shown under a filtered list of events: how many events the feed carries now, its size against
the cap (and what the cap leaves out), the per-client links, the address to copy and a QR code
of it, drawn by the site as inline SVG so a phone can subscribe from a poster or a screen.
"""

import functools
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils.safestring import mark_safe

from events import ical
from events.feeds import ComponentSizes, cached_feed_bytes, calendar_name, component_sizes
from events.models import Event, ending_after

# A feed of up to this many events is measured event by event; a larger one is estimated.
EXACT_SIZE_EVENTS = 100
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


def _filtered(list_filter, now):
    """The filter's published events, and those of them the feed's window covers."""
    events = list_filter.filter_queryset(Event.objects.published(now))
    return events, events.feed_window(now)


def window_counts(list_filter, now):
    """(upcoming events, every event of the feed's window) of a validated filter, in one
    aggregate over the window: the upcoming list's count and the builder's, together."""
    _events, window = _filtered(list_filter, now)
    # Counting a column of the event_upcoming index (every event has a start), not the id,
    # lets PostgreSQL answer from the index alone.
    counts = window.aggregate(
        upcoming=Count("starts_at", filter=ending_after(now)), in_window=Count("starts_at")
    )
    return counts["upcoming"], counts["in_window"]


def feed_status(list_filter, now, in_window):
    """What the feed of a list's validated ``list_filter`` holds now, against its caps.

    A list page never builds the feed. When a whole copy is cached (the unfiltered, zone and
    category feeds, once fetched) its bytes are measured; otherwise, for a feed of up to
    EXACT_SIZE_EVENTS events, one query reads their ids and versions (``feed_versions``, as a
    conditional feed request does) and one cache round-trip the lengths of their cached
    VEVENTs (``component_sizes``): the feed is its envelope and those VEVENTs, cut at the byte
    cap as ``ical.assemble`` cuts it. A VEVENT not cached yet, and every VEVENT of a larger
    feed, counts as the mean length (of those that are cached, or of the latest feed
    assembled), and the size is then marked ``estimated``; with nothing to go on it is None.
    ``in_window`` counts every published event of the filter the feed's window covers (the
    list counted it, ``window_counts``), ``count`` those the feed carries; what the caps leave
    out is the farthest events, so the builder names the first of them.
    """
    events, window = _filtered(list_filter, now)
    data = cached_feed_bytes(list_filter.canonical_query(), now)
    estimated = count_estimated = False
    if data is None:
        count, size, estimated, considered = _sized_from_components(
            events, list_filter, now, in_window
        )
        count_estimated = estimated and count < considered
        may_leave_out = count < considered or considered >= ical.FEED_MAX_EVENTS
    else:
        count, size = data.count(b"BEGIN:VEVENT\r\n"), len(data)
    near_cap = (count >= NEAR_CAP_SHARE * ical.FEED_MAX_EVENTS
                or (size or 0) >= NEAR_CAP_SHARE * ical.FEED_MAX_BYTES)
    if data is not None:
        may_leave_out = near_cap  # only a feed near a cap can have left events out
    first_left_out = None
    if may_leave_out:
        next_start = window.values_list("starts_at", flat=True)[count:count + 1]
        first_left_out = next(iter(next_start), None)
    if not first_left_out:
        in_window = count
    return {
        "count": count,
        "count_estimated": count_estimated,
        "in_window": in_window,
        "left_out": in_window - count,
        "first_left_out": first_left_out,
        "bytes": size,
        "estimated": estimated,
        "max_bytes": ical.FEED_MAX_BYTES,
        "max_events": ical.FEED_MAX_EVENTS,
        "share": None if size is None else round(100 * size / ical.FEED_MAX_BYTES),
        "near_cap": near_cap,
        "past_days": ical.FEED_PAST_WINDOW.days,
    }


def _sized_from_components(events, list_filter, now, in_window):
    """(events carried, bytes, whether estimated, events considered) of a feed not cached
    whole, from the lengths of its cached VEVENTs.

    The feed considers the first of the window's ``in_window`` events, up to the cap; a feed
    of up to EXACT_SIZE_EVENTS events is then measured event by event (their versions, one
    more query of that many rows), a larger one as that many VEVENTs of the mean length (an
    estimate): reading the versions of a thousand events would cost a list page more than the
    rest of it.
    """
    name = calendar_name(list_filter.describe())
    considered = min(in_window, ical.FEED_MAX_EVENTS)
    if considered <= EXACT_SIZE_EVENTS:
        sizes = component_sizes(events.feed_versions(now))
    else:
        sizes = ComponentSizes([None] * considered, component_sizes([]).mean)
    count, size, estimated = _fit(sizes, name)
    return count, size, estimated, len(sizes.sizes)


def _fit(component_sizes, name):
    """(events carried, bytes, whether estimated) of the feed named ``name`` made of VEVENTs
    of these lengths (None: not cached), cut at the byte cap as ``ical.assemble`` cuts it;
    the bytes are None when no length is known at all."""
    sizes, mean = component_sizes
    known = [size for size in sizes if size is not None]
    if known:
        mean = sum(known) / len(known)
    if mean is None:
        return len(sizes), None, False
    head, tail = ical.envelope(name)
    total, count = len(head) + len(tail), 0
    for size in sizes:
        size = mean if size is None else size
        if total + size > ical.FEED_MAX_BYTES:
            break
        total += size
        count += 1
    return count, round(total), len(known) < len(sizes)


def builder_context(list_filter, links, now, in_window):
    """Context for the builder's templates (``links`` from subscribe_links, ``in_window``
    from ``window_counts``)."""
    return {
        "feed_status": feed_status(list_filter, now, in_window),
        "qr_svg": qr_svg(links["webcal"]),
    }
