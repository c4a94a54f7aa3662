"""The subscription builder: what the feed of exactly this filter holds, and how to get it.

Shown under a filtered list of events: how many events the feed carries now, its size against
the cap (and what the cap leaves out), the per-client links, the address to copy and a QR code
of it, drawn by the site as inline SVG so a phone can subscribe from a poster or a screen.
"""

import segno
from django.utils.safestring import mark_safe

from events import ical

# Past this share of either cap the builder warns that the feed is nearly full.
NEAR_CAP_SHARE = 0.8
# A QR code survives a poster's smudges and a screen's glare at level M (15 % redundancy).
QR_ERROR_LEVEL = "m"
QR_SCALE = 4


def qr_svg(address):
    """An inline ``<svg>`` QR code of ``address`` (safe to render: segno writes only a path)."""
    code = segno.make(address, error=QR_ERROR_LEVEL, micro=False)
    return mark_safe(code.svg_inline(scale=QR_SCALE, border=4, omitsize=False))  # noqa: S308


def feed_status(feed):
    """What the feed of ``feed`` (a ``views.FeedResult``) holds now, against its caps.

    ``in_window`` counts every published event of the filter the feed's window covers;
    ``count`` those the bytes actually carry. What the caps leave out is the farthest events,
    so the builder names the first of them.
    """
    data = feed.data
    count = data.count(b"BEGIN:VEVENT\r\n")
    window = feed.filterset.qs.ending_after(feed.now - ical.FEED_PAST_WINDOW)
    in_window = window.count()
    first_left_out = None
    if in_window > count:
        first_left_out = (
            window.order_by("starts_at", "pk").values_list("starts_at", flat=True)[count]
        )
    size = len(data)
    return {
        "count": count,
        "in_window": in_window,
        "left_out": in_window - count,
        "first_left_out": first_left_out,
        "bytes": size,
        "max_bytes": ical.FEED_MAX_BYTES,
        "max_events": ical.FEED_MAX_EVENTS,
        "share": round(100 * size / ical.FEED_MAX_BYTES),
        "near_cap": (
            size >= NEAR_CAP_SHARE * ical.FEED_MAX_BYTES
            or count >= NEAR_CAP_SHARE * ical.FEED_MAX_EVENTS
        ),
        "past_days": ical.FEED_PAST_WINDOW.days,
    }


def builder_context(feed, links):
    """Context for events/includes/_subscribe_builder.html (``links`` from subscribe_links)."""
    return {"feed_status": feed_status(feed), "qr_svg": qr_svg(links["webcal"])}
