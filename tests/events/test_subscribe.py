"""The subscription builder under /events/: what the feed of this filter holds, and its QR code."""

import datetime
import re
import xml.etree.ElementTree as ET

import icalendar
import pytest
import segno
import zxingcpp
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from events import limits, subscribe
from events.models import EventQuerySet
from lifevalley.observability import FEED_BUILDS

pytestmark = pytest.mark.django_db

SITE = "https://lifevalley.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def builder_svg(html):
    """The QR code's <svg> element in the page, parsed as XML."""
    [svg] = re.findall(r'<figure class="feed-qr">.*?(<svg.*?</svg>)', html, re.S)
    return ET.fromstring(svg)


def read_qr(svg):
    """What a phone camera reads from segno's SVG: its one path drawn on white, then decoded.

    segno draws each row of dark modules as horizontal strokes: ``M x y`` to start, ``m dx dy``
    to move, ``h n`` for n dark modules; the path's ``transform`` is ``scale(s)``.
    """
    [path] = list(svg)
    scale = float(re.fullmatch(r"scale\((\d+(?:\.\d+)?)\)", path.get("transform")).group(1))
    size = int(svg.get("width"))
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path.get("d")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            top = (y - 0.5) * scale
            draw.rectangle([x * scale, top, (x + values[0]) * scale - 1, top + scale - 1], fill=0)
            x += values[0]
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


def feed_of(client, query):
    return client.get(reverse("events:feed") + query)


def test_builder_counts_exactly_the_feed_of_the_filter(client, make_event, make_zone):
    zone = make_zone(slug="frontier-technology", name="Frontier Technology Zone")
    other = make_zone(slug="medical-device")
    now = timezone.now()
    make_event(zone=zone)
    make_event(zone=zone)
    make_event(zone=zone, starts_at=now - datetime.timedelta(days=30))  # in the past window
    make_event(zone=zone, starts_at=now - datetime.timedelta(days=200))  # aged out of the feed
    make_event(zone=zone, is_published=False)  # a draft that could leak
    make_event(zone=other)
    cold = client.get(reverse("events:list") + "?zone=frontier-technology")
    # Before anyone fetched the feed the page knows its events, not yet its size.
    assert (cold.context["feed_status"]["count"], cold.context["feed_status"]["bytes"]) == (
        3, None)
    assert "This calendar holds 3 events now" in cold.content.decode()
    assert "Its file is" not in cold.content.decode()
    feed = feed_of(client, "?zone=frontier-technology")
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == 3
    response = client.get(reverse("events:list") + "?zone=frontier-technology")
    status = response.context["feed_status"]
    assert (status["count"], status["left_out"], status["bytes"]) == (3, 0, len(feed.content))
    html = response.content.decode()
    assert "This calendar holds 3 events now" in html
    assert "The calendar is full" not in html and "nearly full" not in html


def test_a_list_page_never_builds_its_feed(client, make_event):
    for _ in range(3):
        make_event()
    cache.clear()
    builds = FEED_BUILDS._value.get()
    client.get(reverse("events:list"))
    assert FEED_BUILDS._value.get() == builds


def test_builder_qr_code_reads_back_as_the_feed_address(client, make_event, make_zone,
                                                        make_event_category):
    zone = make_zone(slug="frontier-technology")
    forum = make_event_category(slug="forum", name="Forum")
    make_event(zone=zone, category=forum)  # the box shows only where the feed has events
    html = client.get(reverse("events:list") + "?category=forum&zone=frontier-technology&page=1"
                      ).content.decode()
    address = "webcal://lifevalley.example.com/events/feed.ics?category=forum&zone=frontier-technology"
    svg = builder_svg(html)
    assert svg.tag == "svg"
    assert read_qr(svg) == address
    assert ET.tostring(svg).decode() == ET.tostring(
        ET.fromstring(segno.make(address, error="m").svg_inline(scale=4))
    ).decode()
    assert f'value="{SITE}/events/feed.ics?category=forum&amp;zone=frontier-technology"' in html


def test_builder_warns_near_the_cap(client, make_event, monkeypatch):
    for _ in range(3):
        make_event()
    full = len(feed_of(client, "").content)
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", int(full / 0.9))
    cache.clear()  # the whole feed was cached under the old cap
    feed_of(client, "")  # fetched by a calendar app: its size is known from then on
    html = client.get(reverse("events:list")).content.decode()
    assert "This calendar is nearly full." in html
    assert "The calendar is full" not in html


def test_builder_says_what_the_cap_leaves_out(client, make_event, monkeypatch):
    events = [make_event() for _ in range(4)]
    whole = feed_of(client, "").content
    # Room for the envelope and the first two events: the two farthest are left out.
    third = [m.start() for m in re.finditer(b"BEGIN:VEVENT", whole)][2]
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", third + len(b"END:VCALENDAR\r\n"))
    cache.clear()  # the whole feed was cached under the old cap
    feed_of(client, "")
    response = client.get(reverse("events:list"))
    status = response.context["feed_status"]
    feed = icalendar.Calendar.from_ical(feed_of(client, "").content).walk("VEVENT")
    assert [str(v["UID"]) for v in feed] == [event.uid for event in events[:2]]
    assert (status["count"], status["left_out"]) == (2, 2)
    assert status["first_left_out"] == events[2].starts_at
    first = timezone.localtime(events[2].starts_at).strftime("%-d %B %Y")
    assert f"2 later events, from {first} on, are left out" in response.content.decode()


def test_the_count_cap_counts_what_is_left_out_of_the_whole_window(client, clock, make_event,
                                                                    monkeypatch):
    """The feed also carries events over in its past days: those count as the window does."""
    ended = make_event(starts_at=clock.now - datetime.timedelta(days=10),
                       ends_at=clock.now - datetime.timedelta(days=10, hours=-2))
    upcoming = [make_event() for _ in range(3)]
    monkeypatch.setattr(limits, "FEED_MAX_EVENTS", 2)
    feed = icalendar.Calendar.from_ical(feed_of(client, "").content).walk("VEVENT")
    assert [str(v["UID"]) for v in feed] == [ended.uid, upcoming[0].uid]

    for path in (reverse("events:list"), reverse("events:past")):
        status = client.get(path).context["feed_status"]
        assert (status["count"], status["in_window"], status["left_out"]) == (2, 4, 2), path
        assert status["first_left_out"] == upcoming[1].starts_at


def test_builder_in_chinese(client, make_event):
    make_event()
    html = client.get("/zh-hans" + reverse("events:list")).content.decode()
    assert "此日历目前包含 1 个活动" in html
    assert "扫描" in html


# Every filter's size, from the lengths of its events' cached VEVENTs -----------------------
#
# Only the unfiltered, zone and category feeds are cached whole; any other filter's size is its
# envelope plus the lengths kept beside its events' cached VEVENTs (shared by every feed).

# An estimate counts each VEVENT not cached yet as the mean of the others: the events here
# differ by a few characters, so it must come within this share of the bytes then served.
ESTIMATE_TOLERANCE = 0.03


def test_builder_sizes_an_organiser_feed_never_fetched(client, make_event, make_organisation):
    beigene = make_organisation(slug="beigene", name="BeiGene")
    for n in range(3):
        make_event(title=f"BeiGene seminar {n}", organisers=[beigene])
    make_event(title="Robotics forum")
    feed_of(client, "")  # a calendar app fetched the whole feed: every VEVENT is cached
    response = client.get(reverse("events:list") + "?organiser=beigene")
    status = response.context["feed_status"]
    served = feed_of(client, "?organiser=beigene").content  # the filter's feed, afterwards
    assert len(icalendar.Calendar.from_ical(served).walk("VEVENT")) == 3
    assert (status["count"], status["bytes"], status["estimated"]) == (3, len(served), False)
    html = response.content.decode()
    assert f"Its file is {filesizeformat(len(served))}, " in html
    assert "an estimate" not in html


def test_builder_estimates_a_search_feed_and_is_exact_once_it_is_served(client, make_event):
    events = [make_event(title=f"Cell therapy seminar {n}") for n in range(4)]
    make_event(title="Robotics forum")
    feed_of(client, "")
    events[0].title = "Cell therapy seminar 0, new room"  # a new version: not cached yet
    events[0].save()
    estimate = client.get(reverse("events:list") + "?q=cell")
    status = estimate.context["feed_status"]
    assert (status["count"], status["estimated"], status["count_estimated"]) == (4, True, False)
    served = feed_of(client, "?q=cell").content
    assert len(icalendar.Calendar.from_ical(served).walk("VEVENT")) == 4
    assert status["bytes"] != len(served)  # the edited VEVENT is longer than the mean
    assert abs(status["bytes"] - len(served)) <= ESTIMATE_TOLERANCE * len(served)
    assert (f"Its file is about {filesizeformat(status['bytes'])} (an estimate)"
            in estimate.content.decode())
    exact = client.get(reverse("events:list") + "?q=cell").context["feed_status"]
    assert (exact["bytes"], exact["estimated"]) == (len(served), False)


def test_builder_estimates_from_the_latest_feed_when_none_of_its_events_is_cached(
        client, make_event, make_zone):
    zone = make_zone(slug="medical-device")
    make_event(title="Cell therapy seminar")
    feed_of(client, "")  # only this event's VEVENT is cached, and the feed's mean length
    make_event(title="Cell therapy clinic", zone=zone)
    status = client.get(reverse("events:list") + "?zone=medical-device&q=cell"
                        ).context["feed_status"]
    served = feed_of(client, "?zone=medical-device&q=cell").content
    assert (status["count"], status["estimated"]) == (1, True)
    assert abs(status["bytes"] - len(served)) <= ESTIMATE_TOLERANCE * len(served)


def test_a_feed_past_the_exact_size_limit_is_estimated_without_reading_its_versions(
        client, make_event, monkeypatch):
    """Past EXACT_SIZE_EVENTS the builder counts the feed and sizes it from the mean length:
    reading a thousand events' versions would cost a list page more than the rest of it."""
    for n in range(4):
        make_event(title=f"Cell therapy seminar {n}")
    served = feed_of(client, "?q=cell").content  # its VEVENTs and their mean length cached
    monkeypatch.setattr(subscribe, "EXACT_SIZE_EVENTS", 2)
    status = client.get(reverse("events:list") + "?q=cell").context["feed_status"]
    assert (status["count"], status["estimated"], status["count_estimated"]) == (4, True, False)
    assert abs(status["bytes"] - len(served)) <= ESTIMATE_TOLERANCE * len(served)

    versions_read = []
    read_versions = EventQuerySet.feed_versions

    def reading_versions(queryset, now):
        versions_read.append(now)
        return read_versions(queryset, now)

    monkeypatch.setattr(EventQuerySet, "feed_versions", reading_versions)
    client.get(reverse("events:list") + "?q=cell")
    assert versions_read == []  # counted, never read event by event


def test_builder_estimate_in_chinese(client, make_event):
    events = [make_event() for _ in range(2)]
    client.get("/zh-hans/events/feed.ics")  # the Chinese VEVENTs are cached apart
    events[0].title = "细胞治疗研讨会"
    events[0].save()
    html = client.get("/zh-hans/events/").content.decode()
    assert "（估算值）" in html


def test_builder_warns_near_the_cap_for_any_filter(client, make_event, make_organisation,
                                                   monkeypatch):
    beigene = make_organisation(slug="beigene")
    for _ in range(3):
        make_event(organisers=[beigene])
    full = len(feed_of(client, "?organiser=beigene").content)
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", int(full / 0.9))
    response = client.get(reverse("events:list") + "?organiser=beigene")
    assert response.context["feed_status"]["share"] == 90
    html = response.content.decode()
    assert "This calendar is nearly full." in html
    assert "The calendar is full" not in html
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", full * 2)
    assert "nearly full" not in client.get(
        reverse("events:list") + "?organiser=beigene").content.decode()


def test_builder_says_what_the_byte_cap_leaves_out_of_any_filter(client, make_event, make_zone,
                                                                 monkeypatch):
    zone = make_zone(slug="frontier-technology")
    events = [make_event(title=f"Gene forum {n}", zone=zone) for n in range(4)]
    query = "?q=gene&zone=frontier-technology"
    whole = feed_of(client, query).content
    client.get(reverse("events:list") + "?q=nothing")  # the site-wide caches, not this feed's
    with CaptureQueriesContext(connection) as roomy:
        client.get(reverse("events:list") + query)
    third = [m.start() for m in re.finditer(b"BEGIN:VEVENT", whole)][2]
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", third + len(b"END:VCALENDAR\r\n"))
    with CaptureQueriesContext(connection) as full:
        response = client.get(reverse("events:list") + query)
    # What is left out costs one more query, its first start: the list has counted the
    # window already (its upcoming events, plus those over in the feed's past days).
    assert len(full) == len(roomy) + 1
    status = response.context["feed_status"]
    served = feed_of(client, query).content
    feed = icalendar.Calendar.from_ical(served).walk("VEVENT")
    assert [str(v["UID"]) for v in feed] == [event.uid for event in events[:2]]
    assert (status["count"], status["left_out"], status["bytes"]) == (2, 2, len(served))
    assert status["first_left_out"] == events[2].starts_at
    first = timezone.localtime(events[2].starts_at).strftime("%-d %B %Y")
    assert f"2 later events, from {first} on, are left out" in response.content.decode()


def test_builder_marks_what_an_estimated_cap_leaves_out(client, make_event, monkeypatch):
    events = [make_event(title=f"Gene forum {n}") for n in range(4)]
    whole = feed_of(client, "?q=gene").content
    third = [m.start() for m in re.finditer(b"BEGIN:VEVENT", whole)][2]
    events[0].title = "Gene forum 0, moved"  # its VEVENT is not cached: the size is estimated
    events[0].save()
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", third + len(b"END:VCALENDAR\r\n") + 20)
    response = client.get(reverse("events:list") + "?q=gene")
    status = response.context["feed_status"]
    assert (status["count"], status["left_out"], status["count_estimated"]) == (2, 2, True)
    html = response.content.decode()
    first = timezone.localtime(events[2].starts_at).strftime("%-d %B %Y")
    assert f"about 2 later events, from about {first} on, are left out" in html
    assert "This calendar holds about 2 events now" in html
    served = icalendar.Calendar.from_ical(feed_of(client, "?q=gene").content).walk("VEVENT")
    assert len(served) == 2


# (query, queries of its list page: before its feed is fetched, after): the same as before the
# builder read sizes; the whole zone and category feeds, once cached, cost no query at all.
# (query, queries before its feed was served, after). Not cached whole, a feed is counted with
# the list (one aggregate over its window) and then, being small, read event by event (one
# query; a large one is estimated from the count).
BUILDER_QUERIES = {
    "zone": ("?zone=z", 7, 6),
    "category": ("?category=c", 7, 6),
    "organiser": ("?organiser=o", 7, 7),
    "q": ("?q=event", 6, 6),
    "several": ("?zone=z&organiser=o&after=2000-01-01", 8, 8),
}


@pytest.mark.parametrize("filter_name", list(BUILDER_QUERIES))
def test_builder_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries,
                                                     make_event, make_zone, make_venue,
                                                     make_organisation, make_event_category,
                                                     filter_name):
    zone, category = make_zone(slug="z"), make_event_category(slug="c")
    organiser = make_organisation(slug="o")
    query, before, after = BUILDER_QUERIES[filter_name]

    def grow(count):
        for _ in range(count):
            make_event(zone=zone, category=category, venue=make_venue(), organisers=[organiser])

    grow(1)
    client.get(reverse("events:list") + "?q=nothing")  # the site-wide caches, not this feed's
    with django_assert_num_queries(before):
        response = client.get(reverse("events:list") + query)
    assert response.context["feed_status"]["count"] == 1
    grow(3)
    with django_assert_num_queries(before):
        response = client.get(reverse("events:list") + query)
    assert response.context["feed_status"]["count"] == 4
    served = feed_of(client, query).content  # from now on its VEVENTs' lengths are cached
    with django_assert_num_queries(after):
        response = client.get(reverse("events:list") + query)
    assert response.context["feed_status"]["bytes"] == len(served)
