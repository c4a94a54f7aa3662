"""Event sources: feeds served by a local HTTP server, synced as the timer would."""

import datetime
import http.server
import threading
import time

import icalendar
import pytest
import recurring_ical_events
from django.core.management import call_command
from django.urls import reverse

from event_sources.fetch import FetchError, fetch_calendar
from event_sources.models import EventSource, SourceRun
from events.models import BEIJING, Event

pytestmark = pytest.mark.django_db

DAY = datetime.date(2031, 3, 4)  # a Tuesday, far from any clock the suite runs under


class FeedServer:
    """Serves ``routes`` {path: (status, content type, body, seconds between chunks)}."""

    def __init__(self):
        self.routes = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, content_type, body, pause = routes.get(
                    self.path, (404, "text/plain", b"missing", 0)
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if not pause:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if pause:  # a slow server: a few bytes at a time
                    for start in range(0, len(body), 10):
                        self.wfile.write(body[start:start + 10])
                        self.wfile.flush()
                        time.sleep(pause)
                else:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def serve(self, path, body, content_type="text/calendar; charset=utf-8", pause=0):
        self.routes[path] = (200, content_type, body, pause)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(settings):
    settings.EVENT_SOURCES_ALLOW_PRIVATE = True  # the test server is on loopback
    settings.EVENT_SOURCES_TIMEOUT_SECONDS = 2
    feed_server = FeedServer()
    yield feed_server
    feed_server.close()


def vevent(uid, title, start, hours=2, **extra):
    component = icalendar.Event()
    component.add("uid", uid)
    component.add("summary", title)
    component.add("dtstart", start)
    component.add("dtend", start + datetime.timedelta(hours=hours))
    for name, value in extra.items():
        component.add(name.replace("_", "-"), value)
    return component


def calendar(*components):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Test organisation//EN")
    cal.add("version", "2.0")
    for component in components:
        cal.add_component(component)
    return cal.to_ical()


def at(hour, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour), BEIJING)


@pytest.fixture
def source(server, make_event_category, make_zone, make_organisation):
    return EventSource.objects.create(
        name="Institute seminars", url=server.url("/seminars.ics"),
        category=make_event_category(slug="seminar", name="Seminar"),
        zone=make_zone(slug="frontier-technology"), organisation=make_organisation(),
        publish_directly=True,
    )


def sync():
    call_command("sync_event_sources")
    return SourceRun.objects.first()


def by_title(title):
    return Event.objects.get(title=title)


def test_new_changed_repeating_and_removed_events(server, source, client):
    server.serve("/seminars.ics", calendar(
        vevent("a@institute", "Cell Therapy Seminar", at(14)),
        vevent("b@institute", "Weekly Journal Club", at(9), rrule={"freq": "weekly", "count": 5},
               exdate=[at(9, DAY + datetime.timedelta(days=7))]),
        vevent("c@institute", "Open Day\x07", at(10), location="Hall 3"),
    ))
    run = sync()
    assert (run.new, run.updated, run.cancelled, run.rejected, run.error) == (3, 0, 0, 0, "")
    seminar = by_title("Cell Therapy Seminar")
    assert (seminar.category.slug, seminar.zone.slug, seminar.is_published) == (
        "seminar", "frontier-technology", True)
    club = by_title("Weekly Journal Club")
    assert club.recurrence_rule == "FREQ=WEEKLY;COUNT=5"
    assert club.skipped_dates == [DAY + datetime.timedelta(days=7)]
    assert by_title("Open Day").venue.name == "Hall 3"  # control character cleaned away

    server.serve("/seminars.ics", calendar(
        vevent("a@institute", "Cell Therapy Seminar", at(15)),  # moved
        vevent("b@institute", "Weekly Journal Club", at(9), rrule={"freq": "weekly", "count": 5},
               status="CANCELLED"),
    ))  # c@institute removed
    run = sync()
    assert (run.new, run.updated, run.cancelled, run.rejected) == (0, 1, 2, 0)
    seminar.refresh_from_db()
    assert (seminar.local_start.hour, seminar.sequence) == (15, 1)
    assert by_title("Weekly Journal Club").status == Event.Status.CANCELLED
    removed = by_title("Open Day")
    assert removed.status == Event.Status.CANCELLED
    assert "Removed from the organisation’s calendar." in client.get(
        removed.get_absolute_url()).content.decode()
    feed = icalendar.Calendar.from_ical(client.get(reverse("events:feed")).content)
    statuses = {str(v["SUMMARY"]): str(v["STATUS"]) for v in feed.walk("VEVENT")}
    assert statuses["Cancelled: Open Day"] == "CANCELLED"
    assert "已从该机构的日历中移除。" in client.get(
        "/zh-hans" + removed.get_absolute_url()).content.decode()
    assert sync().new == 0  # a second run with no change adds nothing
    assert Event.objects.count() == 3


def test_staff_edits_are_not_overwritten(server, source):
    server.serve("/seminars.ics", calendar(vevent("a@institute", "Seminar", at(14))))
    sync()
    event = by_title("Seminar")
    event.title = "Seminar (room changed by staff)"
    event.save()
    server.serve("/seminars.ics", calendar(vevent("a@institute", "Seminar", at(16))))
    run = sync()
    event.refresh_from_db()
    assert (event.title, event.local_start.hour) == ("Seminar (room changed by staff)", 14)
    assert run.notes == [{"uid": "a@institute",
                          "reason": "Edited by staff since the last import: left as it is."}]


def test_review_sources_import_drafts(server, source, client):
    source.publish_directly = False
    source.save()
    server.serve("/seminars.ics", calendar(vevent("a@institute", "Draft Seminar", at(14))))
    sync()
    event = by_title("Draft Seminar")
    assert event.is_published is False
    assert client.get(event.get_absolute_url()).status_code == 404


def test_bad_events_are_rejected_with_a_reason(server, source):
    server.serve("/seminars.ics", calendar(
        vevent("a@institute", "Hourly", at(9), rrule={"freq": "hourly"}),
        vevent("b@institute", "Fine", at(10)),
    ))
    run = sync()
    assert (run.new, run.rejected) == (1, 1)
    assert run.notes[0]["uid"] == "a@institute"
    assert "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" in run.notes[0]["reason"]


@pytest.mark.parametrize(("body", "content_type", "pause", "message"), [
    (b"x" * 5000, "text/calendar", 0, "larger than 4000 bytes"),
    (b"BEGIN:VCALENDAR\r\n" * 40, "text/calendar", 0.2, "longer than"),
    (b"<html>hello</html>", "text/html", 0, "not a calendar"),
])
def test_hostile_sources_are_refused(server, source, settings, body, content_type, pause,
                                     message):
    settings.EVENT_SOURCES_MAX_BYTES = 4000
    settings.EVENT_SOURCES_TIMEOUT_SECONDS = 0.5
    server.serve("/seminars.ics", body, content_type=content_type, pause=pause)
    run = sync()
    assert message in run.error
    assert Event.objects.count() == 0


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/feed.ics", "http://10.0.0.8/feed.ics", "http://169.254.169.254/latest",
    "http://[::1]/feed.ics", "ftp://example.com/feed.ics", "file:///etc/passwd",
])
def test_addresses_inside_the_network_and_other_schemes_are_refused(settings, url):
    settings.EVENT_SOURCES_ALLOW_PRIVATE = False
    with pytest.raises(FetchError):
        fetch_calendar(url)


def test_admin_shows_the_report(server, source, editor_client):
    server.serve("/seminars.ics", calendar(
        vevent("a@institute", "Seminar", at(14)),
        vevent("b@institute", "Hourly", at(9), rrule={"freq": "hourly"}),
    ))
    sync()
    html = editor_client.get(
        reverse("admin:event_sources_eventsource_change", args=[source.pk])).content.decode()
    assert "b@institute: This is not a valid repeat rule" in html
    listing = editor_client.get(reverse("admin:event_sources_sourcerun_changelist"))
    assert listing.status_code == 200
    assert "Institute seminars" in listing.content.decode()


# A changed single date of a series (RECURRENCE-ID) ----------------------------------------

WEEK = datetime.timedelta(days=7)
MOVED_FROM = at(9, DAY + WEEK)  # the series' second Tuesday


def journal_club(*overrides):
    series = vevent("club@institute", "Weekly Journal Club", at(9), location="Room 101",
                    rrule={"freq": "weekly", "count": 5})
    return calendar(series, *overrides)


def moved(start, **extra):
    """The second Tuesday's meeting, moved (Google and Outlook write the whole VEVENT)."""
    return vevent("club@institute", "Weekly Journal Club", start, recurrence_id=MOVED_FROM,
                  location="Hall 5", **extra)


def public_feed(client):
    return icalendar.Calendar.from_ical(client.get(reverse("events:feed")).content)


def meetings(feed):
    """(start, location, status) of every meeting the feed gives, as a calendar app expands it."""
    return sorted(
        (occurrence["DTSTART"].dt.astimezone(BEIJING), str(occurrence["LOCATION"]),
         str(occurrence["STATUS"]))
        for occurrence in recurring_ical_events.of(feed).between(at(0), at(0, DAY + 6 * WEEK))
    )


def vevents(feed):
    return {str(v["UID"]): v for v in feed.walk("VEVENT")}


def test_a_moved_date_of_a_series_becomes_its_own_event(server, source, client):
    weekly = [at(9, DAY + n * WEEK) for n in range(5)]
    server.serve("/seminars.ics", journal_club(moved(at(11, DAY + WEEK + datetime.timedelta(1)),
                                                     sequence=1)))
    run = sync()
    assert (run.new, run.updated, run.cancelled, run.rejected, run.notes) == (2, 0, 0, 0, [])
    series = Event.objects.get(recurrence_rule__startswith="FREQ=WEEKLY")
    single = Event.objects.get(recurrence_rule="")
    assert series.skipped_dates == [MOVED_FROM.date()]
    assert (single.local_start, single.venue.name) == (at(11, DAY + WEEK + datetime.timedelta(1)),
                                                       "Hall 5")
    feed = public_feed(client)
    wednesday = at(11, DAY + WEEK + datetime.timedelta(1))
    assert meetings(feed) == sorted(
        [(start, "Room 101", "CONFIRMED") for start in weekly if start != MOVED_FROM]
        + [(wednesday, "Hall 5", "CONFIRMED")]
    )
    assert [d.dt for d in vevents(feed)[series.uid]["EXDATE"].dts] == [MOVED_FROM]
    first = client.get(reverse("events:feed")).content

    run = sync()  # nothing changed at the source: nothing is written
    assert (run.new, run.updated, run.cancelled, run.rejected) == (0, 0, 0, 0)
    assert Event.objects.count() == 2
    assert client.get(reverse("events:feed")).content == first  # same UIDs, SEQUENCE, bytes

    server.serve("/seminars.ics", journal_club(moved(at(14, DAY + WEEK + datetime.timedelta(1)),
                                                     sequence=2)))
    run = sync()  # moved again: the same event, one revision later
    assert (run.new, run.updated, run.cancelled, run.rejected) == (0, 1, 0, 0)
    again = vevents(public_feed(client))
    assert set(again) == {series.uid, single.uid}
    assert (again[single.uid]["DTSTART"].dt, again[single.uid]["SEQUENCE"]) == (
        at(14, DAY + WEEK + datetime.timedelta(1)), 1)
    assert again[series.uid]["SEQUENCE"] == 0

    server.serve("/seminars.ics", journal_club())  # the change is withdrawn at the source
    run = sync()
    assert (run.new, run.updated, run.cancelled, run.rejected) == (0, 1, 1, 0)
    assert run.notes == [{"uid": f"club@institute ({MOVED_FROM.isoformat()})",
                          "reason": "Removed from the organisation’s calendar."}]
    feed = public_feed(client)
    assert [start for start, _where, status in meetings(feed) if status == "CONFIRMED"] == weekly
    assert str(vevents(feed)[single.uid]["STATUS"]) == "CANCELLED"
    assert "EXDATE" not in vevents(feed)[series.uid]
    assert Event.objects.count() == 2


def test_a_moved_date_cancelled_or_edited_by_staff(server, source):
    wednesday = at(11, DAY + WEEK + datetime.timedelta(1))
    server.serve("/seminars.ics", journal_club(moved(wednesday)))
    sync()
    single = Event.objects.get(recurrence_rule="")
    server.serve("/seminars.ics", journal_club(moved(wednesday, status="CANCELLED")))
    run = sync()  # the moved meeting is called off: its own event is cancelled
    assert (run.new, run.updated, run.cancelled, run.rejected) == (0, 0, 1, 0)
    single.refresh_from_db()
    assert single.status == Event.Status.CANCELLED
    assert Event.objects.exclude(pk=single.pk).get().skipped_dates == [MOVED_FROM.date()]

    single.status = Event.Status.SCHEDULED
    single.title = "Journal Club (in the library, staff)"
    single.save()
    server.serve("/seminars.ics", journal_club(moved(at(15, wednesday.date()))))
    run = sync()
    single.refresh_from_db()
    assert (single.title, single.local_start) == ("Journal Club (in the library, staff)",
                                                  wednesday)
    assert run.notes == [{"uid": f"club@institute ({MOVED_FROM.isoformat()})",
                          "reason": "Edited by staff since the last import: left as it is."}]


def test_a_date_of_a_series_not_in_the_source_and_a_range_change(server, source):
    lone = vevent("lone@institute", "Lab tour", at(10, DAY + WEEK),
                  recurrence_id=at(10, DAY))  # its series is not in this calendar
    ranged = vevent("club@institute", "Weekly Journal Club", at(10, DAY + WEEK),
                    recurrence_id=MOVED_FROM)
    ranged["RECURRENCE-ID"].params["RANGE"] = "THISANDFUTURE"
    server.serve("/seminars.ics", journal_club(lone, ranged))
    run = sync()
    assert (run.new, run.rejected) == (2, 1)
    assert by_title("Lab tour").local_start == at(10, DAY + WEEK)
    assert "RANGE=THISANDFUTURE" in run.notes[0]["reason"]
    assert Event.objects.get(title="Weekly Journal Club").skipped_dates == []


def test_a_changed_date_takes_what_it_does_not_say_from_its_series(server, source):
    later = icalendar.Event()  # only what changed: an hour later the same day
    later.add("uid", "club@institute")
    later.add("recurrence-id", MOVED_FROM)
    later.add("dtstart", at(10, MOVED_FROM.date()))
    server.serve("/seminars.ics", journal_club(later))
    run = sync()
    assert (run.new, run.rejected) == (2, 0)
    single = Event.objects.get(recurrence_rule="")
    assert (single.title, single.venue.name, single.local_start, single.local_end) == (
        "Weekly Journal Club", "Room 101", at(10, MOVED_FROM.date()), at(12, MOVED_FROM.date()))
