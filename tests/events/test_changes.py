"""What changed about an event: recorded on save, shown on the page, in the feed and in Atom."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.changes import change_text
from events.models import Event, EventChange
from lifevalley.timezones import BEIJING
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), BEIJING)


@pytest.fixture
def forum(make_event, make_venue):
    """A published forum next week at 14:00–16:00 in Hall A, announced a month ago."""
    day = timezone.localtime(timezone.now(), BEIJING).date() + datetime.timedelta(days=7)
    event = make_event(title="Gene Therapy Forum", slug="gene-therapy-forum",
                       starts_at=at(day, 14), ends_at=at(day, 16),
                       venue=make_venue(name="Hall A", name_zh_hans="A 厅"))
    Event.objects.filter(pk=event.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=30)
    )
    return Event.objects.get(pk=event.pk)


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def feed_description(client, event):
    calendar = icalendar.Calendar.from_ical(client.get(reverse("events:feed")).content)
    [vevent] = [v for v in calendar.walk("VEVENT") if str(v["UID"]) == event.uid]
    return vevent


def test_moving_an_event_is_shown_on_its_page_and_in_the_feed(client, forum):
    day = forum.local_start.date()
    forum.starts_at, forum.ends_at = at(day, 15), at(day, 17)
    forum.save()
    sentence = f"Moved from 14:00 to 15:00 on {long_date(day)}."
    html = client.get(forum.get_absolute_url()).content.decode()
    assert sentence in html
    vevent = feed_description(client, forum)
    assert vevent["SEQUENCE"] == 1
    assert str(vevent["DESCRIPTION"]).split("\n\n")[0] == sentence


def test_moving_to_another_day_names_both(client, forum):
    day = forum.local_start.date()
    later = day + datetime.timedelta(days=2)
    forum.starts_at, forum.ends_at = at(later, 9), at(later, 11)
    forum.save()
    [change] = forum.changes.all()
    expected = f"Moved from {long_date(day)}, 14:00 to {long_date(later)}, 09:00."
    assert change_text(change) == expected


def test_venue_change_in_both_languages(client, forum, make_venue):
    forum.venue = make_venue(name="Hall B", name_zh_hans="B 厅")
    forum.save()
    html = client.get(forum.get_absolute_url()).content.decode()
    assert "Venue changed from Hall A to Hall B." in html
    html = client.get("/zh-hans" + forum.get_absolute_url()).content.decode()
    assert "场地由 A 厅 改为 B 厅。" in html


def test_cancellation_with_the_reason_staff_add(client, editor_client, forum):
    forum.status = Event.Status.CANCELLED
    forum.save()
    [change] = forum.changes.all()
    url = reverse("admin:events_eventchange_change", args=[change.pk])
    data = change_form_payload(editor_client, url, reason_en="The speaker is ill.")
    assert editor_client.post(url, data).status_code == 302
    client.logout()  # read back as a visitor

    html = client.get(forum.get_absolute_url()).content.decode()
    assert "Cancelled: The speaker is ill." in html
    vevent = feed_description(client, forum)
    assert (str(vevent["STATUS"]), vevent["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(vevent["DESCRIPTION"]).startswith("Cancelled: The speaker is ill.\n\n")


def test_atom_carries_a_change_as_an_update(client, forum, make_event):
    make_event(title="Newer Seminar")  # published after the forum, never changed
    forum.status = Event.Status.CANCELLED
    forum.save()
    feed = ET.fromstring(client.get(reverse("events:atom")).content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Cancelled: Gene Therapy Forum", "Newer Seminar",
    ]
    assert entries[0].find(f"{ATOM}summary").text.startswith("Update: Cancelled.\n\n")
    updated = datetime.datetime.fromisoformat(entries[0].find(f"{ATOM}updated").text)
    assert updated == Event.objects.get(pk=forum.pk).updated_at



def test_atom_titles_a_postponed_event_as_the_calendar_does(client, forum):
    forum.status = Event.Status.POSTPONED
    forum.save()
    feed = ET.fromstring(client.get(reverse("events:atom")).content)
    vevent = next(iter(icalendar.Calendar.from_ical(
        client.get(reverse("events:ics", kwargs={"slug": forum.slug})).content
    ).walk("VEVENT")))
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Postponed: Gene Therapy Forum"] == [str(vevent["SUMMARY"])]

def test_only_public_changes_of_calendar_fields_are_recorded(forum, make_event):
    forum.title = "Gene Therapy Forum 2030"  # not a calendar change
    forum.save()
    draft = make_event(is_published=False)
    draft.starts_at += datetime.timedelta(hours=1)
    draft.ends_at += datetime.timedelta(hours=1)
    draft.save()  # a draft's changes were never public
    assert list(EventChange.objects.all()) == []


def test_event_page_lists_changes_newest_first(client, forum, make_venue):
    day = forum.local_start.date()
    forum.starts_at, forum.ends_at = at(day, 15), at(day, 17)
    forum.save()
    forum.venue = make_venue(name="Hall C")
    forum.save()
    html = client.get(forum.get_absolute_url()).content.decode()
    assert html.index("Venue changed from Hall A to Hall C.") < html.index("Moved from 14:00")


def test_an_all_day_event_moves_by_dates(forum):
    day = forum.local_start.date()
    forum.is_all_day = True
    forum.save()
    forum.changes.all().delete()
    later = day + datetime.timedelta(days=1)
    forum.starts_at, forum.ends_at = at(later, 0), at(later, 0)
    forum.save()
    [change] = forum.changes.all()
    assert change_text(change) == f"Moved from {long_date(day)} to {long_date(later)}."
