"""The events pages stay small at any size: fixed query counts, a bounded month grid and a
bounded organiser list (issue 10)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.filters import ORGANISER_SUGGESTIONS
from events.models import Event
from events.views import DAY_CELL_LIMIT
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db


def a_day_next_month():
    """The 10th of next month, 09:00 Beijing time: a day of the grid, whatever today is."""
    today = timezone.localtime(timezone.now(), BEIJING).date()
    following = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=10)
    return datetime.datetime.combine(following, datetime.time(9), BEIJING)


def test_busy_day_shows_a_few_events_and_links_the_rest(client, make_event):
    start = a_day_next_month()
    titles = [f"Busy day talk {n}" for n in range(DAY_CELL_LIMIT + 4)]
    for n, title in enumerate(titles):
        make_event(title=title, starts_at=start + datetime.timedelta(minutes=n),
                   ends_at=start + datetime.timedelta(hours=1))
    response = client.get(reverse("events:month", args=[start.year, start.month]))
    html = response.content.decode()
    day = next(d for week in response.context["weeks"] for d in week if d.date == start.date())
    assert [item["event"].title for item in day.shown] == titles[:DAY_CELL_LIMIT]
    assert (day.total, day.more) == (len(titles), 4)
    for title in titles[DAY_CELL_LIMIT:]:
        assert title not in html  # neither in the grid nor in the list below
    assert html.count(">4 more<") == 2  # the grid cell and the day in the list below
    date = start.date().isoformat()
    assert f'href="/events/?after={date}&amp;before={date}"' in html
    day_list = client.get(f"/events/?after={date}&before={date}")
    assert [e.title for e in day_list.context["events"]] == titles


def test_a_quiet_day_has_no_more_link(client, make_event):
    start = a_day_next_month()
    make_event(title="Lone seminar", starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    html = client.get(reverse("events:month", args=[start.year, start.month])).content.decode()
    assert html.count("Lone seminar") == 2
    assert " more<" not in html


def test_month_grid_page_size_does_not_grow_with_a_busy_month(client, make_event):
    start = a_day_next_month()
    url = reverse("events:month", args=[start.year, start.month])

    def grow(count):
        for n in range(count):
            make_event(starts_at=start + datetime.timedelta(minutes=n),
                       ends_at=start + datetime.timedelta(hours=1))

    grow(DAY_CELL_LIMIT + 1)
    size = len(client.get(url).content)
    grow(30)
    assert len(client.get(url).content) - size < 100  # only the "N more" number changes


def test_organiser_suggestions_offer_published_organisers_only(client, make_event,
                                                                make_organisation):
    public = make_organisation(name="Changping Laboratory", slug="changping-laboratory")
    draft = make_organisation(name="Secret Holdings", slug="secret-holdings", is_published=False)
    make_event(organisers=[public, draft])
    make_event(title="Draft event", organisers=[make_organisation(name="Only In Drafts")],
               is_published=False)
    html = client.get(reverse("events:list")).content.decode()
    datalist = re.search(r'<datalist id="organiser-options">(.*?)</datalist>', html, re.S)
    assert datalist.group(1) == (
        '<option value="changping-laboratory" label="Changping Laboratory"></option>'
    )
    assert re.search(r'<input type="text" name="organiser"[^>]* list="organiser-options"', html)
    assert '<select name="organiser"' not in html
    assert "Secret Holdings" not in html and "Only In Drafts" not in html


def test_organiser_suggestions_are_bounded(client, make_event, make_organisation):
    for _ in range(ORGANISER_SUGGESTIONS + 5):
        make_event(organisers=[make_organisation()])
    response = client.get(reverse("events:list"))
    assert len(response.context["organiser_options"]) == ORGANISER_SUGGESTIONS


@pytest.mark.parametrize("value", ["secret-holdings", "no-such-organiser", "bad slug!"])
def test_an_unknown_or_unpublished_organiser_is_a_400_page(client, make_event,
                                                           make_organisation, value):
    make_event(organisers=[make_organisation(slug="secret-holdings", is_published=False)])
    response = client.get(reverse("events:list"), {"organiser": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no organiser with this slug." in html
    assert "Some filters could not be understood" in html


def test_typed_organiser_slug_filters_the_list(client, make_event, make_organisation):
    organiser = make_organisation(slug="beigene")
    make_event(title="BeiGene Day", organisers=[organiser])
    make_event(title="Other forum")
    response = client.get(reverse("events:list"), {"organiser": "beigene"})
    assert [e.title for e in response.context["events"]] == ["BeiGene Day"]
    assert 'value="beigene"' in response.content.decode()


PAGES = [
    "/",
    "/events/",
    "/events/past/",
    "/events/?zone=z-1&category=forum",
]


@pytest.mark.parametrize("url", PAGES)
def test_events_pages_run_the_same_queries_at_two_sizes(client, make_event, make_zone,
                                                        make_venue, make_organisation,
                                                        make_event_category, url):
    zone = make_zone(slug="z-1")
    forum = make_event_category(slug="forum")
    now = timezone.now()

    def grow(count):
        for n in range(count):
            for days in (-40, -3, 2, 30):  # ended, and upcoming
                make_event(starts_at=now + datetime.timedelta(days=days, hours=n), zone=zone,
                           category=forum, venue=make_venue(), organisers=[make_organisation()])
        make_event(starts_at=now - datetime.timedelta(days=60),  # a series still running
                   recurrence_rule="FREQ=WEEKLY", zone=zone, category=forum)

    grow(1)
    client.get(url)
    cache.clear()  # both sizes measured cold: the subscription builder builds its feed
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(6)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 12


def test_upcoming_includes_a_running_series_and_excludes_ended_events(make_event):
    now = timezone.now()
    ended = make_event(title="Ended", starts_at=now - datetime.timedelta(days=9),
                       ends_at=now - datetime.timedelta(days=9) + datetime.timedelta(hours=1))
    series = make_event(title="Running", starts_at=now - datetime.timedelta(days=400),
                        ends_at=now - datetime.timedelta(days=400, hours=-1),
                        recurrence_rule="FREQ=WEEKLY")
    soon = make_event(title="Soon", starts_at=now + datetime.timedelta(days=1))
    assert list(Event.objects.published(now).upcoming(now)) == [series, soon]
    assert list(Event.objects.published(now).past(now)) == [ended]
    assert list(Event.objects.published(now).upcoming(now)[:1]) == [series]
