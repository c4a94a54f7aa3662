"""A visitor's shortlist in a real browser: Save without JavaScript-only steps, then the list,
its private feed and the copy button (a browser sends Origin on POSTs, the test client not)."""

import icalendar
import pytest

from events.models import Event

pytestmark = pytest.mark.e2e


def test_visitor_saves_an_event_and_gets_the_private_feed(page, demo_site):
    event = Event.objects.published().filter(recurrence_rule="").order_by("starts_at").last()
    page.goto(demo_site.url + event.get_absolute_url())
    page.get_by_role("button", name="Save to my shortlist").click()
    page.locator("form[method=post] button", has_text="Save").click()
    assert "/shortlist/" in page.url
    assert page.get_by_role("status").inner_text() == f"“{event.title}” is saved."
    feed_url = page.locator("input.feed-url").input_value()
    response = page.request.get(feed_url)
    calendar = icalendar.Calendar.from_ical(response.body())
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [event.uid]
    assert page.locator(".feed-qr svg").count() == 1
