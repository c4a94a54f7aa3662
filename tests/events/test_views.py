import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import month_grid
from events.models import Event
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def titles(response):
    return [event.title for event in response.context["events"]]


def test_upcoming_list_soonest_first_and_past_most_recent_first(client, make_event):
    now = timezone.now()
    make_event(title="In two days", starts_at=now + datetime.timedelta(days=2))
    make_event(title="Tomorrow", starts_at=now + datetime.timedelta(days=1))
    make_event(title="Last week", starts_at=now - datetime.timedelta(days=7))
    make_event(title="Yesterday", starts_at=now - datetime.timedelta(days=1))
    assert titles(client.get(reverse("events:list"))) == ["Tomorrow", "In two days"]
    assert titles(client.get(reverse("events:past"))) == ["Yesterday", "Last week"]


def test_list_is_paginated_and_keeps_filters(client, make_event, make_event_category):
    forum = make_event_category(slug="forum", name="Forum")
    for _ in range(21):
        make_event(category=forum)
    response = client.get(reverse("events:list") + "?category=forum")
    assert len(response.context["events"]) == 20
    html = response.content.decode()
    assert 'href="?category=forum&amp;page=2"' in html
    assert len(client.get(reverse("events:list") + "?category=forum&page=2")
               .context["events"]) == 1


@pytest.mark.parametrize("page", ["abc", "999999", "0", "-1"])
def test_bad_page_is_404(client, published_event, page):
    assert client.get(reverse("events:list") + f"?page={page}").status_code == 404


def test_invalid_filter_is_a_400_page_with_the_error(client, published_event):
    response = client.get(reverse("events:list") + "?zone=atlantis&after=2024-02-30")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be understood" in html
    assert "There is no zone with this slug." in html
    assert "Enter a valid date." in html
    assert published_event.title not in html


def test_subscribe_links_on_a_filtered_list_subscribe_to_that_filter(client, settings,
                                                                    make_event, make_zone):
    settings.SITE_URL = "https://lifevalley.example.com"
    zone = make_zone(slug="medical-device", name="Medical Device Zone")
    make_event(title="Brain-computer interfaces day", zone=zone)
    response = client.get(reverse("events:list") + "?page=1&zone=medical-device&q=brain")
    html = response.content.decode()
    feed = "lifevalley.example.com/events/feed.ics?q=brain&amp;zone=medical-device"
    links = re.findall(r'href="([^"]+)"', html)
    subscribe = [link for link in links if "feed.ics%3F" in link or "feed.ics?" in link]
    assert subscribe == [
        "https://" + feed,  # <link rel="alternate">
        "webcal://" + feed,  # Apple
        "webcal://" + feed,  # Thunderbird
        "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Flifevalley.example.com"
        "%2Fevents%2Ffeed.ics%3Fq%3Dbrain%26zone%3Dmedical-device&amp;name=Life+Valley+events"
        "+%C2%B7+%E2%80%9Cbrain%E2%80%9D+%C2%B7+Medical+Device+Zone",
        "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Flifevalley.example.com"
        "%2Fevents%2Ffeed.ics%3Fq%3Dbrain%26zone%3Dmedical-device",  # Google last
    ]
    assert f'value="https://{feed}"' in html
    assert "refresh only every few hours" in html
    assert html.index("Google Calendar") > html.index('class="feed-url"')


def test_list_links_the_atom_feed(client):
    html = client.get(reverse("events:list")).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/events/feed.atom"' in html


def test_event_page_shows_everything(client, make_event, make_organisation, make_venue,
                                     make_event_category):
    parent = make_event(title="International Forum on Life Science", slug="forum")
    organiser = make_organisation(name="Beijing Changping People's Government", slug="bcpg")
    hidden_organiser = make_organisation(name="Unpublished Org", is_published=False)
    event = make_event(
        title="Drug Discovery and Development Forum",
        starts_at=beijing(2030, 11, 6, 9, 30), ends_at=beijing(2030, 11, 6, 17),
        venue=make_venue(name="Conference Centre", address="1 Park Road"),
        organisers=[organiser, hidden_organiser],
        speakers=["Qiang Liu", "Junying Yuan"],
        parent=parent,
        registration_url="https://register.example.com/",
        category=make_event_category(name="Forum"),
    )
    satellite = make_event(title="Satellite Workshop", parent=event)
    make_event(title="Draft Satellite", parent=event, is_published=False)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "Wednesday 6 November 2030, 09:30 – 17:00" in text
    assert "Beijing time" in html
    assert "Conference Centre" in html and "1 Park Road" in html
    assert f'<a href="{organiser.get_absolute_url()}">{organiser.name}</a>' in html.replace(
        "&#x27;", "'")
    assert "Unpublished Org" not in html
    assert html.index("Qiang Liu") < html.index("Junying Yuan")
    assert f'href="{parent.get_absolute_url()}"' in html
    assert f'href="{satellite.get_absolute_url()}"' in html
    assert "Draft Satellite" not in html
    assert 'href="https://register.example.com/"' in html
    assert f'href="/events/{event.slug}.ics"' in html
    assert "webcal://" in html


def test_event_page_json_ld_is_valid_and_escaped(client, make_event, make_venue):
    event = make_event(title='Forum </script><script>alert("x")</script> & more',
                       starts_at=beijing(2030, 1, 2, 9), ends_at=beijing(2030, 1, 2, 11),
                       venue=make_venue(name="Hall A"), speakers=["Antonia Hamilton"])
    html = client.get(event.get_absolute_url()).content.decode()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in raw
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["startDate"] == "2030-01-02T09:00:00+08:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["name"] == "Hall A"
    assert data["performer"] == [{"@type": "Person", "name": "Antonia Hamilton"}]


@pytest.mark.parametrize(("status", "banner"), [("cancelled", "Cancelled"),
                                               ("postponed", "Postponed")])
def test_cancelled_or_postponed_event_says_so_loudly(client, make_event, status, banner):
    event = make_event(status=status, registration_url="https://register.example.com/")
    html = client.get(event.get_absolute_url()).content.decode()
    assert '<p class="status-banner' in html
    assert f"{banner}:" in html
    listing = client.get(reverse("events:list")).content.decode()
    assert f'<strong class="badge badge-{status}">{banner}</strong>' in listing
    if status == "cancelled":
        assert "https://register.example.com/" not in html
        data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_month_only_event_shows_month_without_days(client, make_event):
    event = make_event(starts_at=beijing(2023, 11, 1), ends_at=beijing(2023, 11, 1),
                       date_precision=Event.DatePrecision.MONTH)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "November 2023</time> <span class=\"muted\">(exact dates not announced)" in html
    month = client.get(reverse("events:month", args=[2023, 11]))
    assert [e.pk for e in month.context["month_only"]] == [event.pk]
    assert month.context["agenda"] == []


def test_repeating_event_page_lists_next_dates_and_skipped_ones(client, make_event):
    start = timezone.localtime(timezone.now(), BEIJING).replace(
        hour=15, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    skipped = (start + datetime.timedelta(weeks=1)).date()
    event = make_event(starts_at=start, ends_at=start + datetime.timedelta(hours=1),
                       recurrence_rule="FREQ=WEEKLY;COUNT=4", exception_dates=skipped.isoformat())
    response = client.get(event.get_absolute_url())
    assert [s for s, _e in response.context["occurrences"]] == [
        start, start + datetime.timedelta(weeks=2), start + datetime.timedelta(weeks=3)
    ]
    assert "Repeats weekly" in response.content.decode()


def test_draft_event_is_404_for_the_public_and_previewed_by_staff(staff_client, draft_event):
    assert Client().get(draft_event.get_absolute_url()).status_code == 404
    response = staff_client.get(draft_event.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this page is not public" in response.content.decode()


def test_drafts_appear_on_no_public_page(client, make_event, make_zone, make_organisation):
    zone = make_zone(slug="frontier-technology")
    organiser = make_organisation(slug="changping-laboratory")
    today = timezone.localtime(timezone.now(), BEIJING)
    start = today + datetime.timedelta(days=2)
    make_event(title="Public Forum", zone=zone, organisers=[organiser], starts_at=start)
    make_event(title="Secret Draft Forum", zone=zone, organisers=[organiser], starts_at=start,
               is_published=False)
    pages = [
        reverse("events:list"),
        reverse("events:list") + "?zone=frontier-technology&organiser=changping-laboratory",
        reverse("events:past"),
        reverse("events:month", args=[start.year, start.month]),
        reverse("events:feed"),
        reverse("events:atom"),
        "/",
        zone.get_absolute_url(),
    ]
    for page in pages:
        body = client.get(page).content.decode()
        assert "Secret Draft Forum" not in body, page
    assert "Public Forum" in client.get(zone.get_absolute_url()).content.decode()


def test_month_grid(client, make_event):
    now = timezone.localtime(timezone.now(), BEIJING)
    make_event(title="Two-day symposium", starts_at=beijing(now.year, now.month, 1, 9),
               ends_at=beijing(now.year, now.month, 2, 17))
    response = client.get(reverse("events:month", args=[now.year, now.month]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('aria-current="date"') == 1
    assert [day.date for day in response.context["agenda"]] == [
        datetime.date(now.year, now.month, 1), datetime.date(now.year, now.month, 2)
    ]
    assert f'href="#d-{now.year}-{now.month:02d}-01"' in html
    previous = response.context["previous"]
    following = response.context["next"]
    assert f'href="/events/calendar/{previous.year}/{previous.month}/"' in html
    assert f'href="/events/calendar/{following.year}/{following.month}/"' in html


def test_month_grid_shows_a_busy_days_first_events_and_counts_the_rest(client, make_event):
    day = beijing(2031, 5, 14, 9)  # a month of its own: nothing else falls in it
    titles = [f"Talk {n}" for n in range(5)]
    for n, title in reversed(list(enumerate(titles))):  # made latest first: shown by start
        make_event(title=title, slug=f"talk-{n}", starts_at=day + datetime.timedelta(hours=n),
                   status=Event.Status.CANCELLED if n == 1 else Event.Status.SCHEDULED)
    make_event(title="Forum some day in May", starts_at=beijing(2031, 5, 1),
               ends_at=beijing(2031, 5, 31, 23), date_precision=Event.DatePrecision.MONTH)
    make_event(title="Hidden draft", starts_at=day, is_published=False)
    response = client.get(reverse("events:month", args=[2031, 5]))
    html = response.content.decode()
    for n, title in enumerate(titles[:3]):  # in the grid and in the list below it
        assert html.count(f'href="/events/talk-{n}/"') == 2, title
        assert html.count(f"{9 + n:02d}:00 {title}<") == 1
    assert 'class="is-cancelled">10:00 Talk 1<' in html
    assert "Talk 3" not in html and "Talk 4" not in html and "Hidden draft" not in html
    assert html.count('>2 more<span class="visually-hidden">') == 2
    assert [event.title for event in response.context["month_only"]] == ["Forum some day in May"]


def test_month_grid_leaves_out_an_event_gone_since_its_times_were_read():
    first = datetime.date(2031, 5, 1)
    timings = [month_grid.Timing(pk, beijing(2031, 5, 14, 9 + pk), beijing(2031, 5, 14, 10 + pk),
                                 False, "day", "", "") for pk in (1, 2)]
    by_day = month_grid.occurrence_days(timings, first, datetime.date(2031, 6, 1))
    weeks = month_grid.month_weeks(2031, 5, by_day, today=first, limit=3)
    kept = Event(pk=2, slug="kept", title="Kept")
    month_grid.show_events(weeks, {2: kept})
    (day,) = [day for week in weeks for day in week if day.total]
    assert [(item["event"], item["url"]) for item in day.shown] == [(kept, "/events/kept/")]
    assert day.more == 1  # still counted: the visitor may follow "1 more" to the day's list


def test_calendar_redirects_to_this_month(client):
    today = timezone.localtime(timezone.now(), BEIJING)
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 302
    assert response["Location"] == f"/events/calendar/{today.year}/{today.month}/"


@pytest.mark.parametrize(
    "path",
    [
        "/events/calendar/9999/13/",
        "/events/calendar/2024/0/",
        "/events/calendar/2024/13/",
        "/events/calendar/0/1/",
        "/events/calendar/99999999999999999999999/1/",
        "/events/calendar/-1/1/",
        "/events/calendar/2024/1x/",
        "/events/no-such-event/",
        "/events/no-such-event.ics",
        "/events/%00/",
        "/events/" + "a" * 10_000 + "/",
        "/events/?page=abc",
        "/events/?page=999999",
        "/events/?q=%00",
        "/events/?q=" + "x" * 10_000,
        "/events/?category=x&category=y&unknown=1",
        "/events/?after=2024-02-30",
        "/events/?before=%FF%FE",
        "/events/?organiser=%00",
        "/events/?zone=" + "z" * 5000,
        "/events/past/?after=9999-12-31&before=0001-01-01",
        "/events/past/?after=0001-01-01",
        "/events/?before=9999-12-31",
        "/events/feed.ics?zone=%00",
        "/events/feed.ics?after=0001-01-01&before=9999-12-31",
        "/zh-hans/events/calendar/2024/99/",
    ],
)
def test_hostile_input_is_never_a_server_error(client, published_event, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500 or response.status_code == 200


def test_zone_page_lists_its_upcoming_events(client, make_zone, make_event, settings):
    settings.SITE_URL = "https://lifevalley.example.com"
    zone = make_zone(slug="frontier-technology")
    make_event(title="Zone Forum", zone=zone)
    make_event(title="Elsewhere Forum")
    make_event(title="Past Zone Forum", zone=zone,
               starts_at=timezone.now() - datetime.timedelta(days=3))
    response = client.get(zone.get_absolute_url())
    assert [e.title for e in response.context["upcoming_events"]] == ["Zone Forum"]
    html = response.content.decode()
    assert "webcal://lifevalley.example.com/events/feed.ics?zone=frontier-technology" in html


def test_home_shows_the_next_few_events(client, make_event):
    now = timezone.now()
    for day in range(6, 0, -1):
        make_event(title=f"Day {day}", starts_at=now + datetime.timedelta(days=day))
    response = client.get("/")
    assert [e.title for e in response.context["upcoming_events"]] == [
        "Day 1", "Day 2", "Day 3", "Day 4"
    ]


def test_organisation_events_context_for_the_directory(rf, make_organisation, make_event):
    from django.template.loader import render_to_string

    from events.views import organisation_events_context

    organisation = make_organisation(slug="beigene", name="BeiGene")
    make_event(title="BeiGene Day", organisers=[organisation])
    make_event(title="Other Day")
    context = organisation_events_context(organisation, timezone.now())
    assert [e.title for e in context["upcoming_events"]] == ["BeiGene Day"]
    assert context["events_more_url"] == "/events/?organiser=beigene"
    html = render_to_string("events/includes/_upcoming_for_organisation.html", context)
    assert "BeiGene Day" in html and "feed.ics?organiser=beigene" in html


def test_navigation_links_to_events(client):
    html = client.get("/").content.decode()
    assert html.count('href="/events/"') >= 2  # header and footer


@pytest.mark.parametrize("url_name", ["events:list", "events:past"])
def test_lists_run_a_fixed_number_of_queries(client, django_assert_num_queries, make_event,
                                             make_zone, make_venue, make_organisation, url_name):
    past = url_name == "events:past"

    def grow(count):
        for _ in range(count):
            start = timezone.now() + datetime.timedelta(days=-5 if past else 5)
            make_event(starts_at=start, zone=make_zone(), venue=make_venue(),
                       organisers=[make_organisation()])

    queries = 7 if past else 6  # the upcoming list counts itself with the builder's window
    grow(1)
    client.get(reverse(url_name))
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert len(response.context["events"]) == 1
    assert len(response.context["organiser_options"]) == 1
    grow(3)
    client.get(reverse(url_name))  # the subscription builder's feed, as the first time
    with django_assert_num_queries(queries):
        assert len(client.get(reverse(url_name)).context["events"]) == 4


def test_month_and_detail_run_a_fixed_number_of_queries(client, django_assert_num_queries,
                                                        make_event, make_organisation, make_zone):
    today = timezone.localtime(timezone.now(), BEIJING)
    parent = make_event()
    month = reverse("events:month", args=[today.year, today.month])
    noon = today.replace(hour=12, minute=0, second=0, microsecond=0)  # in this month, any hour

    def grow(count):
        for _ in range(count):
            make_event(starts_at=noon, zone=make_zone(),
                       parent=parent, organisers=[make_organisation()], speakers=["A", "B"],
                       recurrence_rule="FREQ=DAILY;COUNT=3")
            make_organisation()
            parent.organisers.add(make_organisation())

    grow(1)
    client.get(month)
    with django_assert_num_queries(2):  # every event's times, then the events shown
        client.get(month)
    with django_assert_num_queries(5):  # with the event's changes
        client.get(parent.get_absolute_url())
    grow(3)
    with django_assert_num_queries(2):
        client.get(month)
    with django_assert_num_queries(5):  # with the event's changes
        client.get(parent.get_absolute_url())


def test_month_with_only_undated_events_says_so(client, make_event):
    make_event(
        title="Forum of the month",
        starts_at=datetime.datetime(2031, 11, 1, tzinfo=BEIJING),
        ends_at=datetime.datetime(2031, 11, 30, tzinfo=BEIJING),
        is_all_day=True,
        date_precision="month",
    )
    html = client.get(reverse("events:month", args=[2031, 11])).content.decode()
    assert "No events on particular days this month." in html
    assert "No events this month." not in html


def test_a_list_whose_feed_is_empty_offers_no_subscription(client, make_event):
    make_event(title="Brain-computer interfaces day")
    html = client.get(reverse("events:list") + "?q=nothing-like-this").content.decode()
    assert "Subscribe in your calendar" not in html


@pytest.mark.parametrize(
    "query",
    ["", "q=gene", "zone=z", "category=c&after=2000-01-01", "organiser=o", "before=2099-01-01"],
)
def test_the_upcoming_count_is_the_lists_and_the_builder_counts_the_whole_window(
    client, make_event, make_zone, make_event_category, make_organisation, query
):
    zone, category = make_zone(slug="z"), make_event_category(slug="c")
    other_category, organiser = make_event_category(), make_organisation(slug="o")
    now = timezone.now()
    for n in range(26):  # upcoming ones, ones over in the feed's past days, long over ones
        start = now + datetime.timedelta(days=[3, -10, -400][n % 3], hours=n)
        make_event(title=f"{'Gene' if n % 2 else 'Cell'} forum {n}", starts_at=start,
                   zone=zone if n % 4 else None, category=category if n % 5 else other_category,
                   organisers=[organiser] if n % 3 != 2 else [])
    make_event(title="Gene draft", is_published=False, zone=zone)
    response = client.get(reverse("events:list") + "?" + query)
    listed = response.context["filter"].qs  # the list's own query
    assert response.context["paginator"].count == listed.count() > 0
    window = response.context["filter"].filter_queryset(Event.objects.published(now))
    in_window = window.feed_window(now).count()
    assert response.context["feed_status"]["in_window"] == in_window > listed.count()
