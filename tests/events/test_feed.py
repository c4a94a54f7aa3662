import datetime

import icalendar
import pytest
import recurring_ical_events
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from directory.models import Organisation
from events import ical, limits
from events.models import Event, FeedState, Venue
from lifevalley.timezones import BEIJING
from zones.models import Zone

pytestmark = pytest.mark.django_db

FEED = "/events/feed.ics"


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def vevents(response):
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def uids(response):
    return [str(v["UID"]) for v in vevents(response)]


def by_uid(response, uid):
    [vevent] = [v for v in vevents(response) if str(v["UID"]) == uid]
    return vevent


def rewind_feed_clock(days=30):
    """Pretend every change happened long ago, so a new change must move Last-Modified."""
    long_ago = timezone.now() - datetime.timedelta(days=days)
    for model in (Event, Venue, Zone, Organisation):  # what a VEVENT shows counts too
        model.objects.update(updated_at=long_ago)
    FeedState.objects.update(changed_at=long_ago)
    return long_ago


def test_feed_headers(client, published_event):
    response = client.get(FEED, HTTP_ACCEPT="text/html", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    assert "Content-Encoding" not in response
    assert "no-transform" in response["Cache-Control"]
    assert response["ETag"].startswith('"') and not response["ETag"].startswith('W/')
    assert parse_http_date(response["Last-Modified"])


def test_feed_without_accept_header_is_still_a_calendar(client, published_event):
    response = client.get(FEED)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert uids(response) == [published_event.uid]


def test_feed_lifecycle_publish_move_cancel_unpublish(client, make_event):
    event = make_event(title="Brain Forum", is_published=False)
    assert uids(client.get(FEED)) == []

    event.is_published = True
    event.save()
    assert uids(client.get(FEED)) == [event.uid]
    assert by_uid(client.get(FEED), event.uid)["SEQUENCE"] == 0

    event.starts_at += datetime.timedelta(days=1)
    event.ends_at += datetime.timedelta(days=1)
    event.save()
    moved = by_uid(client.get(FEED), event.uid)
    assert moved["SEQUENCE"] == 1
    assert moved["DTSTART"].dt == timezone.localtime(event.starts_at, BEIJING)

    event.status = Event.Status.CANCELLED
    event.save()
    cancelled = by_uid(client.get(FEED), event.uid)
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CANCELLED", 2)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Cancelled" in page

    long_ago = rewind_feed_clock()
    before = client.get(FEED)
    assert parse_http_date(before["Last-Modified"]) == int(long_ago.timestamp())
    event.is_published = False
    event.save()
    after = client.get(FEED)
    assert uids(after) == []
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_deleting_an_event_moves_last_modified_forward(client, make_event):
    keep = make_event()
    gone = make_event()
    long_ago = rewind_feed_clock()
    assert parse_http_date(client.get(FEED)["Last-Modified"]) == int(long_ago.timestamp())
    gone.delete()
    response = client.get(FEED)
    assert uids(response) == [keep.uid]
    assert parse_http_date(response["Last-Modified"]) > int(long_ago.timestamp())


def test_embargoed_event_appearing_moves_last_modified(client, make_event):
    soon = timezone.now() - datetime.timedelta(minutes=5)
    event = make_event(publish_from=soon)
    rewind_feed_clock()
    response = client.get(FEED)
    assert uids(response) == [event.uid]
    assert parse_http_date(response["Last-Modified"]) == int(soon.timestamp())


def test_unchanged_feed_is_byte_identical(client, make_event):
    make_event(title="北京 forum", recurrence_rule="FREQ=WEEKLY;COUNT=4")
    make_event(is_all_day=True)
    first, second = client.get(FEED), client.get(FEED)
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]


def test_conditional_get_answers_304(client, published_event):
    first = client.get(FEED)
    by_etag = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    by_date = client.get(FEED, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    published_event.title = "Renamed"
    published_event.save()
    changed = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_stale_if_modified_since_gets_the_feed(client, published_event):
    response = client.get(FEED, HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert response.status_code == 200


def test_drafts_never_reach_the_feed(client, draft_event, make_event):
    embargoed = make_event(publish_from=timezone.now() + datetime.timedelta(days=1))
    expired = make_event(publish_until=timezone.now() - datetime.timedelta(minutes=1))
    visible = make_event()
    response = client.get(FEED)
    assert uids(response) == [visible.uid]
    for hidden in (draft_event, embargoed, expired):
        assert hidden.uid.encode() not in response.content
        assert hidden.title.encode() not in response.content
        assert client.get(reverse("events:ics", args=[hidden.slug])).status_code == 404


def test_feed_window_keeps_90_days_of_past_and_cancelled_events(client, make_event):
    now = timezone.now()
    old = make_event(starts_at=now - datetime.timedelta(days=100))
    recent = make_event(starts_at=now - datetime.timedelta(days=30))
    cancelled = make_event(status=Event.Status.CANCELLED)
    future = make_event(starts_at=now + datetime.timedelta(days=400))
    assert set(uids(client.get(FEED))) == {recent.uid, cancelled.uid, future.uid}
    assert old.uid not in uids(client.get(FEED))
    assert client.get(old.get_absolute_url()).status_code == 200  # still on the site


def test_feed_caps_the_number_of_events(client, make_event, monkeypatch):
    events = [make_event(starts_at=beijing(2040, 1, day, 9)) for day in (3, 1, 2)]
    monkeypatch.setattr(limits, "FEED_MAX_EVENTS", 2)
    assert uids(client.get(FEED)) == [events[1].uid, events[2].uid]


def test_filtered_feed_holds_exactly_what_the_list_shows(client, make_event, make_zone,
                                                       make_event_category):
    frontier = make_zone(name="Frontier Technology Zone", slug="frontier-technology")
    forum = make_event_category(name="Forum", slug="forum")
    seminar = make_event_category(name="Seminar", slug="seminar")
    wanted = make_event(zone=frontier, category=forum)
    make_event(zone=frontier, category=seminar)
    make_event(category=forum)
    make_event(zone=frontier, category=forum, is_published=False)
    query = "?zone=frontier-technology&category=forum"
    response = client.get(FEED + query)
    assert uids(response) == [wanted.uid]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Life Valley events · Forum · Frontier Technology Zone"
    listed = client.get(reverse("events:list") + query).context["events"]
    assert [e.uid for e in listed] == [wanted.uid]


@pytest.mark.parametrize(
    "query",
    ["zone=nowhere", "category=%00", "after=2024-13-01", "before=yesterday",
     "after=2030-01-02&before=2030-01-01", "q=" + "x" * 10_000, "organiser=" + "a" * 300],
)
def test_bad_feed_filter_is_a_400(client, published_event, query):
    response = client.get(f"{FEED}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("This calendar filter is not valid:")


def test_unknown_parameters_are_ignored(client, published_event):
    assert uids(client.get(FEED + "?utm_source=x&page=abc")) == [published_event.uid]


def test_uid_is_the_same_in_the_chinese_feed(client, published_event):
    english = by_uid(client.get(FEED), published_event.uid)
    chinese = by_uid(client.get("/zh-hans" + FEED), published_event.uid)
    assert str(english["UID"]) == str(chinese["UID"]) == published_event.uid
    assert str(chinese["URL"]).endswith(f"/zh-hans/events/{published_event.slug}/")


def test_single_event_file(client, published_event):
    response = client.get(reverse("events:ics", args=[published_event.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Content-Disposition"] == 'attachment; filename="published-forum.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "X-WR-CALNAME" not in calendar
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [published_event.uid]
    assert "RRULE" not in calendar.walk("VEVENT")[0]


def test_repeating_event_has_the_same_dates_on_the_site_and_in_the_feed(client, make_event):
    event = make_event(
        title="Weekly seminar",
        starts_at=beijing(2030, 4, 3, 15), ends_at=beijing(2030, 4, 3, 16, 30),
        recurrence_rule="FREQ=WEEKLY;BYDAY=WE,FR;UNTIL=20300601T000000Z",
        exception_dates="2030-04-10\n2030-05-03",
    )
    feed = icalendar.Calendar.from_ical(client.get(FEED).content)
    for month in (4, 5, 6):
        first = datetime.date(2030, month, 1)
        last = datetime.date(2030, month + 1, 1)
        expanded = sorted(
            occurrence["DTSTART"].dt
            for occurrence in recurring_ical_events.of(feed).between(first, last)
        )
        page = client.get(reverse("events:month", args=[2030, month]))
        shown = sorted(
            item["start"]
            for day in page.context["agenda"]
            for item in day.shown
            if item["event"].pk == event.pk
        )
        assert shown == expanded
    april = [d.day for d in recurring_ical_events.of(feed).between(
        datetime.date(2030, 4, 1), datetime.date(2030, 5, 1)) for d in [d["DTSTART"].dt]]
    assert april == [3, 5, 12, 17, 19, 24, 26]


def test_feed_and_ics_run_a_fixed_number_of_queries(client, django_assert_num_queries,
                                                    make_event, make_organisation, make_venue,
                                                    make_zone):
    def grow(count):
        for _ in range(count):
            make_event(venue=make_venue(), zone=make_zone(),
                       organisers=[make_organisation(), make_organisation()])

    grow(1)
    slug = Event.objects.first().slug
    with django_assert_num_queries(4):  # Last-Modified, events with versions, organisers, changes
        assert len(uids(client.get(FEED))) == 1
    with django_assert_num_queries(3):
        client.get(reverse("events:ics", args=[slug]))
    with django_assert_num_queries(2):
        client.get(reverse("events:atom"))
    grow(3)
    with django_assert_num_queries(4):  # Last-Modified, events with versions, organisers, changes
        assert len(uids(client.get(FEED))) == 4
    with django_assert_num_queries(3):
        client.get(reverse("events:ics", args=[slug]))
    with django_assert_num_queries(2):
        client.get(reverse("events:atom"))


def test_atom_feed_lists_newly_published_events_only(client, make_event, draft_event):
    older = make_event(title="Older")
    newer = make_event(title="Newer")
    Event.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=2)
    )
    response = client.get(reverse("events:atom"))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    body = response.content.decode()
    assert body.index("<title>Newer</title>") < body.index("<title>Older</title>")
    assert draft_event.title not in body
    assert f"urn:lifevalley:event:{newer.uid}" in body


# The feed's cache: VEVENTs per event version, shared by every filter; bounded whole feeds ----

def cache_keys():
    """The feed's keys in the local-memory cache the tests run with (not the page cache's)."""
    return {key for key in cache._cache if ":events:" in key}


def test_distinct_filters_add_no_cache_keys(client, make_event, make_zone):
    zone = make_zone(slug="frontier-technology")
    events = [make_event(starts_at=beijing(2031, 3, day, 9), zone=zone) for day in (1, 2, 3)]
    assert uids(client.get(FEED)) == [e.uid for e in events]
    assert uids(client.get(FEED + "?zone=frontier-technology")) == [e.uid for e in events]
    bounded = cache_keys()
    # One VEVENT each with its length, the latest feed's mean VEVENT length, the whole feeds.
    assert len(bounded) == 2 * len(events) + 1 + 2
    queries = [f"after=2030-{month:02d}-{day:02d}" for month in (1, 2) for day in range(1, 21)]
    queries += ["q=forum", "q=FORUM", "q=Forum%20", "before=2031-12-31&after=2030-01-01"]
    for query in queries:
        response = client.get(f"{FEED}?{query}")
        assert response.status_code == 200
    assert cache_keys() == bounded


def test_a_new_filter_costs_one_query_when_its_events_are_known(client, make_event,
                                                               django_assert_num_queries):
    events = [make_event(starts_at=beijing(2031, 3, day, 9)) for day in (1, 2, 3)]
    client.get(FEED)
    with django_assert_num_queries(2):  # Last-Modified, then the events' versions
        response = client.get(FEED + "?after=2031-03-02")
    assert uids(response) == [events[1].uid, events[2].uid]


def test_a_filtered_feed_is_the_same_bytes_as_a_fresh_build(client, make_event, make_zone):
    zone = make_zone()
    for day in (1, 2, 3):
        make_event(starts_at=beijing(2031, 3, day, 9), zone=zone, title=f"北京 forum {day}")
    warm = client.get(FEED + f"?after=2031-03-02&zone={zone.slug}")
    cache.clear()
    cold = client.get(FEED + f"?after=2031-03-02&zone={zone.slug}")
    assert warm.content == cold.content and warm["ETag"] == cold["ETag"]
    assert len(vevents(cold)) == 2


@pytest.mark.parametrize("query", ["", "?after=2000-01-01"])
def test_renaming_what_an_event_shows_renews_its_vevent(client, make_event, make_venue, make_zone,
                                                       make_organisation, make_event_category,
                                                       query):
    venue = make_venue(name="Hall A", address="1 Park Road")
    organiser = make_organisation(name="Changping Lab", email="")
    category = make_event_category(name="Forum")
    event = make_event(venue=venue, organisers=[organiser], category=category)
    other = make_event(zone=make_zone(name="Frontier Zone"))
    rewind_feed_clock()
    before = client.get(FEED + query)
    assert str(by_uid(before, event.uid)["LOCATION"]) == "Hall A, 1 Park Road"
    assert str(by_uid(before, other.uid)["LOCATION"]) == "Frontier Zone"

    venue.name = "Hall B"
    venue.save()
    organiser.name = "Changping Laboratory"
    organiser.save()
    category.name = "Symposium"
    category.save()
    other.zone.name = "Frontier Technology Zone"
    other.zone.save()
    after = client.get(FEED + query, HTTP_IF_NONE_MATCH=before["ETag"])
    renamed = by_uid(after, event.uid)
    assert str(renamed["LOCATION"]) == "Hall B, 1 Park Road"
    assert renamed["ORGANIZER"].params["CN"] == "Changping Laboratory"
    assert renamed["CATEGORIES"].cats == ["Symposium"]
    assert str(by_uid(after, other.uid)["LOCATION"]) == "Frontier Technology Zone"
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_organiser_leaving_the_public_renews_the_vevent(client, make_event, make_organisation):
    organiser = make_organisation(name="Changping Lab")
    event = make_event(organisers=[organiser])
    first = client.get(FEED + "?after=2000-01-01")
    assert by_uid(first, event.uid)["ORGANIZER"].params["CN"] == "Changping Lab"
    # By the clock alone (no save): the organisation's publication window closes.
    type(organiser).objects.filter(pk=organiser.pk).update(
        publish_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    second = client.get(FEED + "?after=2000-01-01")
    assert "ORGANIZER" not in by_uid(second, event.uid)
    assert second["ETag"] != first["ETag"]
    assert parse_http_date(second["Last-Modified"]) >= parse_http_date(first["Last-Modified"])


@pytest.mark.parametrize("query", ["", "?after=2000-01-01", "?q=forum"])
def test_matching_etag_answers_304_without_building(client, make_event, monkeypatch, query,
                                                    django_assert_max_num_queries):
    make_event(title="Brain forum", organisers=[])
    make_event(title="Cell forum", recurrence_rule="FREQ=WEEKLY;COUNT=3")
    first = client.get(FEED + query)
    assert len(vevents(first)) == 2
    cache.clear()  # nothing cached: the ETag still needs no build

    def refuse(*args, **kwargs):
        raise AssertionError("a 304 must not build the feed")

    monkeypatch.setattr(ical, "event_component", refuse)
    with django_assert_max_num_queries(2):
        response = client.get(FEED + query, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and response.content == b""
    with django_assert_max_num_queries(2):
        response = client.get(FEED + query, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304


def test_deleting_an_organiser_moves_last_modified_forward(client, make_event, make_organisation):
    organiser = make_organisation(name="Changping Lab")
    event = make_event(organisers=[organiser])
    long_ago = rewind_feed_clock()
    assert parse_http_date(client.get(FEED)["Last-Modified"]) == int(long_ago.timestamp())
    Organisation.objects.filter(pk=organiser.pk).delete()
    response = client.get(FEED)
    assert "ORGANIZER" not in by_uid(response, event.uid)
    assert parse_http_date(response["Last-Modified"]) > int(long_ago.timestamp())


# Whole feeds from the cache ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "?zone=frontier"])
def test_fresh_whole_feed_answers_without_a_query(client, make_event, make_zone, monkeypatch,
                                                  query, django_assert_num_queries):
    make_event(title="Brain forum", zone=make_zone(slug="frontier"))
    first = client.get(FEED + query)
    assert len(vevents(first)) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("a cache hit must not build the feed")

    monkeypatch.setattr(ical, "event_component", refuse)
    with django_assert_num_queries(0):
        again = client.get(FEED + query)
    assert again.content == first.content
    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    assert again["Content-Type"] == "text/calendar; charset=utf-8"
    with django_assert_num_queries(0):
        unchanged = client.get(FEED + query, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""


def test_edit_shows_in_the_whole_feed_on_the_next_request(client, make_event, make_venue):
    venue = make_venue(name="Hall A", address="")
    event = make_event(title="Brain forum", venue=venue)
    before = client.get(FEED)
    event.title = "Brain and cognition forum"
    event.save()
    after = client.get(FEED, HTTP_IF_NONE_MATCH=before["ETag"])
    assert str(by_uid(after, event.uid)["SUMMARY"]) == "Brain and cognition forum"
    venue.name = "Hall B"
    venue.save()
    assert str(by_uid(client.get(FEED), event.uid)["LOCATION"]) == "Hall B"


def test_whole_feed_ends_when_an_event_is_published_by_the_clock(clock, client, make_event):
    moment = clock.now.replace(microsecond=0) + datetime.timedelta(minutes=5)
    shown = make_event(title="Brain forum")
    embargoed = make_event(title="Embargoed symposium", publish_from=moment)
    assert uids(client.get(FEED)) == [shown.uid]
    clock.set(moment - datetime.timedelta(seconds=1))
    assert uids(client.get(FEED)) == [shown.uid]
    clock.set(moment)
    assert uids(client.get(FEED)) == [shown.uid, embargoed.uid]


def test_whole_feed_ends_when_an_event_leaves_the_past_window(clock, client, make_event):
    ended = clock.now.replace(microsecond=0) - limits.FEED_PAST_WINDOW + datetime.timedelta(
        minutes=5)
    old = make_event(title="Old forum", starts_at=ended - datetime.timedelta(hours=2),
                     ends_at=ended)
    shown = make_event(title="Brain forum")
    first = client.get(FEED)
    assert uids(first) == [old.uid, shown.uid]
    clock.advance(minutes=5)
    response = client.get(FEED)
    assert uids(response) == [shown.uid]
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(first["Last-Modified"])
