"""Scheduled publishing works by the clock alone: no job has to run for an item to appear."""

import datetime
import xml.etree.ElementTree as ET
from unittest import mock

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True, params=[False, True], ids=["rendered", "page-cache"])
def _page_cache_on_and_off(request, settings):
    """Every test here runs as rendered and again through the page cache."""
    settings.PAGE_CACHE_ENABLED = request.param


def public_traces(client, event):
    """Where a visitor, a calendar client, a search engine and the site search see the event."""
    page = client.get(event.get_absolute_url()).status_code
    listed = event.title in client.get("/events/").content.decode()
    feed = icalendar.Calendar.from_ical(client.get("/events/feed.ics").content)
    in_feed = event.uid in {str(vevent["UID"]) for vevent in feed.walk("VEVENT")}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    in_sitemap = False
    for page_url in index.findall("s:sitemap/s:loc", SITEMAP):
        urlset = client.get(page_url.text.removeprefix(settings.SITE_URL)).content
        in_sitemap |= event.get_absolute_url() in urlset.decode()
    found = client.get("/search/", {"q": "Embargoed"}).content.decode()
    return {
        "page": page,
        "list": listed,
        "feed": in_feed,
        "sitemap": in_sitemap,
        "search": "Gene Therapy Symposium" in found,  # the query word itself is highlighted
    }


def test_event_scheduled_for_later_appears_everywhere_at_its_time(client, make_event):
    now = timezone.now()
    starts = now + datetime.timedelta(days=10)
    event = make_event(
        title="Embargoed Gene Therapy Symposium",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        publish_from=now + datetime.timedelta(days=2),
    )
    assert public_traces(client, event) == {
        "page": 404, "list": False, "feed": False, "sitemap": False, "search": False,
    }
    later = now + datetime.timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert public_traces(client, event) == {
            "page": 200, "list": True, "feed": True, "sitemap": True, "search": True,
        }


def test_publish_until_takes_an_item_down_by_itself(client, make_zone):
    zone = make_zone(publish_until=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(zone.get_absolute_url()).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(zone.get_absolute_url()).status_code == 404
        assert zone.name not in client.get("/zones/").content.decode()
