"""All-day events in the admin: given by their dates alone, shown without "00:00"."""

import datetime
import re

import pytest
from django.urls import reverse

from events.models import BEIJING, Event
from lifevalley.review.models import PendingChange
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:events_event_add")
CHANGELIST = reverse("admin:events_event_changelist")


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def history_url(event):
    return reverse("admin:events_event_history", args=[event.pk])


def new_all_day(admin_client, category, **fields):
    """The add form as a browser sends it with the time boxes hidden and left empty."""
    return change_form_payload(admin_client, ADD) | {
        "title_en": "Life Valley Open Day", "slug": "life-valley-open-day",
        "category": str(category.pk), "status": "scheduled",
        "starts_at_0": "2030-05-18", "starts_at_1": "",
        "ends_at_0": "2030-05-19", "ends_at_1": "",
        "is_all_day": "on", "is_published": "on",
    } | fields


def test_an_all_day_event_saved_with_dates_only_runs_from_the_first_to_the_last_day(
        admin_client, make_event_category):
    response = admin_client.post(ADD, new_all_day(admin_client, make_event_category()))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="life-valley-open-day")
    assert event.is_all_day
    assert event.starts_at == datetime.datetime(2030, 5, 18, 0, 0, tzinfo=BEIJING)
    assert event.ends_at == datetime.datetime(2030, 5, 19, 23, 59, 59, tzinfo=BEIJING)


def test_the_form_round_trips_an_all_day_event_unchanged(admin_client, make_event_category):
    admin_client.post(ADD, new_all_day(admin_client, make_event_category()))
    event = Event.objects.get(slug="life-valley-open-day")
    stored = (event.starts_at, event.ends_at, event.sequence)

    # Opened and saved again as it is, then with the hidden times emptied by hand.
    for times in ({}, {"starts_at_1": "", "ends_at_1": ""}):
        response = admin_client.post(change_url(event),
                                     change_form_payload(admin_client, change_url(event),
                                                         **times))
        assert response.status_code == 302, response.content.decode()[:3000]
        event.refresh_from_db()
        assert (event.starts_at, event.ends_at, event.sequence) == stored


def test_a_timed_event_needs_its_times(admin_client, make_event_category):
    data = new_all_day(admin_client, make_event_category(), starts_at_1="15:00:00")
    del data["is_all_day"]
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"ends_at": ["Enter a time, or tick “all day”."]}
    assert not Event.objects.filter(slug="life-valley-open-day").exists()


def test_a_month_only_event_needs_no_times(admin_client, make_event_category):
    data = new_all_day(admin_client, make_event_category(), date_precision="month",
                       starts_at_0="2030-11-03", ends_at_0="2030-11-03")
    del data["is_all_day"]
    assert admin_client.post(ADD, data).status_code == 302
    event = Event.objects.get(slug="life-valley-open-day")
    assert (event.starts_at, event.ends_at) == (
        datetime.datetime(2030, 11, 1, tzinfo=BEIJING),
        datetime.datetime(2030, 11, 30, 23, 59, 59, tzinfo=BEIJING))


def test_an_end_date_before_the_start_is_still_refused(admin_client, make_event_category):
    data = new_all_day(admin_client, make_event_category(), ends_at_0="2030-05-17")
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()


def test_the_change_form_tells_the_script_which_time_boxes_to_hide(admin_client, make_event):
    html = admin_client.get(change_url(make_event(is_all_day=True))).content.decode()
    assert 'data-hides-times="id_starts_at id_ends_at"' in html
    assert re.search(r'<script src="/static/js/admin-all-day\.js', html)


def test_list_and_history_show_all_day_dates_without_midnight(admin_client, make_event):
    event = make_event(title="Open Day", is_all_day=True,
                       starts_at=datetime.datetime(2030, 5, 18, 9, tzinfo=BEIJING),
                       ends_at=datetime.datetime(2030, 5, 18, 17, tzinfo=BEIJING))
    admin_client.post(change_url(event), change_form_payload(
        admin_client, change_url(event), starts_at_0="2030-05-20", ends_at_0="2030-05-21"))

    listed = admin_client.get(CHANGELIST).content.decode()
    assert "20 May 2030" in listed and "20 May 2030, 00:00" not in listed

    entry = admin_client.get(history_url(event)).context["entries"][0]
    changes = [(str(c.label), c.before, c.after) for c in entry.changes]
    assert ("Starts", "18 May 2030", "20 May 2030") in changes
    assert ("Ends", "18 May 2030", "21 May 2030") in changes
    assert ("Series ends", "18 May 2030", "21 May 2030") in changes
    form = admin_client.get(change_url(event)).content.decode()
    assert re.search(r"<label>Series ends:</label>\s*<div class=\"readonly\">21 May 2030</div>",
                     form)
    history = admin_client.get(history_url(event)).content.decode()
    assert "<del>18 May 2030</del></td><td><ins>20 May 2030</ins>" in history


def test_an_editors_new_dates_for_a_published_all_day_event_wait_as_dates(
        editor_client, publisher, make_event):
    event = make_event(title="Open Day", is_all_day=True, is_published=True,
                       starts_at=datetime.datetime(2030, 5, 18, tzinfo=BEIJING),
                       ends_at=datetime.datetime(2030, 5, 18, 23, 59, 59, tzinfo=BEIJING))
    response = editor_client.post(change_url(event), change_form_payload(
        editor_client, change_url(event), starts_at_0="2030-05-25", starts_at_1="",
        ends_at_0="2030-05-26", ends_at_1=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2030, 5, 18, tzinfo=BEIJING)  # still live

    pending = PendingChange.objects.waiting().get()
    editor_client.force_login(publisher)
    page = editor_client.get(reverse("admin:review_pendingchange_change", args=[pending.pk]))
    rows = {(str(label), now, proposed) for label, now, proposed, _then in page.context["rows"]}
    assert rows == {("Starts", "18 May 2030", "25 May 2030"),
                    ("Ends", "18 May 2030", "26 May 2030")}
    editor_client.post(reverse("admin:review_pendingchange_change", args=[pending.pk]),
                       {"_publish": "1"})
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (
        datetime.datetime(2030, 5, 25, tzinfo=BEIJING),
        datetime.datetime(2030, 5, 26, 23, 59, 59, tzinfo=BEIJING))


def test_a_stale_form_names_the_new_dates_of_an_all_day_event_without_times(
        admin_client, make_event):
    event = make_event(is_all_day=True,
                       starts_at=datetime.datetime(2030, 5, 18, tzinfo=BEIJING),
                       ends_at=datetime.datetime(2030, 5, 18, 23, 59, 59, tzinfo=BEIJING))
    first = change_form_payload(admin_client, change_url(event), starts_at_0="2030-05-20",
                                ends_at_0="2030-05-20")
    stale = change_form_payload(admin_client, change_url(event), summary_en="Bring a hat")
    assert admin_client.post(change_url(event), first).status_code == 302
    response = admin_client.post(change_url(event), stale)
    error = response.context["adminform"].form.non_field_errors()[0]
    assert "<li>Starts: <q>20 May 2030</q></li>" in error
    assert "<li>Ends: <q>20 May 2030</q></li>" in error
