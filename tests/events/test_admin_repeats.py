"""Repeating events made in the admin from plain choices, checked in the admin and the feed."""

import datetime
import re

import icalendar
import pytest
from django.urls import reverse

from events.models import Event
from lifevalley.timezones import BEIJING
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:events_event_add")


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def new_event_payload(admin_client, category, **choices):
    """The add form as a browser sends it: a timed event on Tuesday 8 January 2030, 15:00."""
    data = change_form_payload(admin_client, ADD)
    return data | {
        "title_en": "Cell therapy seminar", "slug": "cell-therapy-seminar",
        "category": str(category.pk), "status": "scheduled",
        "starts_at_0": "2030-01-08", "starts_at_1": "15:00:00",
        "ends_at_0": "2030-01-08", "ends_at_1": "17:00:00",
        "is_published": "on",
    } | choices


def next_dates(response):
    html = response.content.decode()
    listed = re.search(r'<ol class="lv-next-dates">(.*?)</ol>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", listed.group(1)) if listed else []


def feed_vevent(client, uid):
    calendar = icalendar.Calendar.from_ical(client.get(reverse("events:feed")).content)
    return next(v for v in calendar.walk("VEVENT") if str(v["UID"]) == uid)


def test_every_two_weeks_on_tuesday_with_a_skip_reaches_the_feed(admin_client,
                                                                  make_event_category):
    data = new_event_payload(
        admin_client, make_event_category(), repeat="WEEKLY", repeat_interval="2",
        repeat_weekdays="TU", repeat_end="count", repeat_count="6",
        exception_dates="2030-01-22",
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="cell-therapy-seminar")
    assert event.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"

    vevent = feed_vevent(admin_client, event.uid)
    assert dict(vevent["RRULE"]) == {"FREQ": ["WEEKLY"], "INTERVAL": [2], "BYDAY": ["TU"],
                                     "COUNT": [6]}
    assert [d.dt for d in vevent["EXDATE"].dts] == [
        datetime.datetime(2030, 1, 22, 15, 0, tzinfo=BEIJING)]


def test_monthly_on_the_first_monday_until_a_date_in_the_feed(admin_client,
                                                               make_event_category):
    data = new_event_payload(
        admin_client, make_event_category(), starts_at_0="2030-01-07", ends_at_0="2030-01-07",
        repeat="MONTHLY_WEEKDAY", repeat_week_of_month="1", repeat_weekdays="MO",
        repeat_end="until", repeat_until="2030-06-30",
    )
    assert admin_client.post(ADD, data).status_code == 302
    event = Event.objects.get(slug="cell-therapy-seminar")
    # The last day in Beijing, 23:59:59, written in UTC as RFC 5545 requires with a TZID start.
    assert event.recurrence_rule == "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20300630T155959Z"
    vevent = feed_vevent(admin_client, event.uid)
    assert vevent["RRULE"]["BYDAY"] == ["1MO"]
    assert vevent["RRULE"]["UNTIL"] == [datetime.datetime(2030, 6, 30, 15, 59, 59,
                                                          tzinfo=datetime.UTC)]
    assert event.series_ends_at == datetime.datetime(2030, 6, 3, 17, 0, tzinfo=BEIJING)


def test_an_existing_rule_opens_decoded_in_the_form(admin_client, make_event):
    event = make_event(starts_at=datetime.datetime(2030, 1, 7, 9, 0, tzinfo=BEIJING),
                       recurrence_rule="FREQ=MONTHLY;BYDAY=1MO;UNTIL=20300630T155959Z")
    data = change_form_payload(admin_client, change_url(event))
    assert {name: data[name] for name in ("repeat", "repeat_week_of_month", "repeat_weekdays",
                                          "repeat_end", "repeat_until", "repeat_interval")} == {
        "repeat": "MONTHLY_WEEKDAY", "repeat_week_of_month": "1", "repeat_weekdays": "MO",
        "repeat_end": "until", "repeat_until": "2030-06-30", "repeat_interval": "1",
    }
    assert "recurrence_rule" not in data  # shown read-only, for experts
    assert "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20300630T155959Z" in admin_client.get(
        change_url(event)).content.decode()


def test_saving_another_field_keeps_the_rule_and_the_sequence(admin_client, make_event):
    rule = "FREQ=WEEKLY;BYDAY=WE,FR;UNTIL=20300601T000000Z"  # UNTIL not at the end of a day
    event = make_event(starts_at=datetime.datetime(2030, 4, 3, 9, 0, tzinfo=BEIJING),
                       recurrence_rule=rule)
    data = change_form_payload(admin_client, change_url(event), title_en="Renamed seminar")
    assert admin_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.recurrence_rule, event.sequence) == ("Renamed seminar", rule, 0)


def test_a_rule_the_form_cannot_express_stays_as_written(admin_client, make_event):
    rule = "FREQ=MONTHLY;BYMONTHDAY=15,30"
    event = make_event(starts_at=datetime.datetime(2030, 1, 15, 9, 0, tzinfo=BEIJING),
                       recurrence_rule=rule)
    response = admin_client.get(change_url(event))
    html = response.content.decode()
    assert '<option value="KEEP" selected>As the rule below says (the form cannot show it)' \
        in html
    data = change_form_payload(admin_client, change_url(event), title_en="Still mid-month")
    assert admin_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert (event.recurrence_rule, event.sequence) == (rule, 0)


def test_choosing_new_repeats_replaces_the_rule_and_moves_the_sequence(admin_client,
                                                                        make_event):
    event = make_event(starts_at=datetime.datetime(2030, 1, 15, 9, 0, tzinfo=BEIJING),
                       recurrence_rule="FREQ=MONTHLY;BYMONTHDAY=15,30")
    data = change_form_payload(admin_client, change_url(event), repeat="DAILY",
                               repeat_end="count", repeat_count="3")
    assert admin_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert (event.recurrence_rule, event.sequence) == ("FREQ=DAILY;COUNT=3", 1)


def test_raw_rule_posted_by_hand_is_ignored(admin_client, make_event):
    event = make_event()
    data = change_form_payload(admin_client, change_url(event),
                               recurrence_rule="FREQ=DAILY;COUNT=999")
    assert admin_client.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert event.recurrence_rule == ""


def test_preview_lists_the_next_dates_and_saves_nothing(admin_client, make_event):
    event = make_event(starts_at=datetime.datetime(2030, 1, 8, 15, 0, tzinfo=BEIJING))
    data = change_form_payload(
        admin_client, change_url(event), repeat="WEEKLY", repeat_interval="2",
        repeat_weekdays="TU", repeat_end="count", repeat_count="4",
        exception_dates="2030-01-22", _preview_dates="1",
    )
    response = admin_client.post(change_url(event), data)
    assert response.status_code == 200
    assert next_dates(response) == ["Tue 8 Jan 2030, 15:00", "Tue 5 Feb 2030, 15:00",
                                    "Tue 19 Feb 2030, 15:00"]
    assert "Preview only: nothing has been saved yet." in response.content.decode()
    assert "Please correct" not in response.content.decode()
    event.refresh_from_db()
    assert (event.recurrence_rule, event.exception_dates, event.sequence) == ("", "", 0)

    # The previewed form, saved as shown, makes that very series.
    saved = change_form_payload(admin_client, change_url(event)) | {
        key: value for key, value in data.items() if key != "_preview_dates"}
    assert admin_client.post(change_url(event), saved).status_code == 302
    event.refresh_from_db()
    assert event.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4"


def test_preview_of_an_all_day_series_shows_dates_without_times(admin_client, make_event):
    event = make_event(starts_at=datetime.datetime(2030, 3, 1, 0, 0, tzinfo=BEIJING),
                       is_all_day=True)
    data = change_form_payload(admin_client, change_url(event), repeat="MONTHLY_DATE",
                               repeat_end="count", repeat_count="2", _preview_dates="1")
    assert next_dates(admin_client.post(change_url(event), data)) == [
        "Fri 1 Mar 2030", "Mon 1 Apr 2030"]


@pytest.mark.parametrize(("choices", "message"), [
    ({"repeat_end": "until", "repeat_until": ""}, "Give the last date, or choose another end."),
    ({"repeat_end": "count", "repeat_count": ""},
     "Give the number of times, or choose another end."),
    ({"repeat_end": "until", "repeat_until": "2029-12-31"},
     "The last date is before the event starts."),
    ({"repeat_end": "count", "repeat_count": "5000"},
     "Ensure this value is less than or equal to 1000."),
    ({"repeat_interval": "0"}, "Ensure this value is greater than or equal to 1."),
])
def test_bad_choices_are_refused_with_a_message(admin_client, make_event, choices, message):
    event = make_event(starts_at=datetime.datetime(2030, 1, 8, 15, 0, tzinfo=BEIJING))
    data = change_form_payload(admin_client, change_url(event), repeat="WEEKLY") | choices
    response = admin_client.post(change_url(event), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.recurrence_rule == ""
