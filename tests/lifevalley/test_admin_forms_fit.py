"""The back office reads the same everywhere: dates, figures, notes and warnings."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from lifevalley.admin_display import when_text
from lifevalley.timezones import BEIJING
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:events_event_changelist")
TZ_NOTE = "All times on this form are Beijing time (UTC+08:00)."


def cells(response, column):
    html = response.content.decode()
    return re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html, re.S)


def test_event_list_dates_read_unambiguously_in_beijing_time(admin_client, make_event):
    make_event(starts_at=datetime.datetime(2030, 12, 9, 15, 0, tzinfo=BEIJING))
    make_event(starts_at=datetime.datetime(2030, 12, 10, 0, 0, tzinfo=BEIJING), is_all_day=True)
    make_event(starts_at=datetime.datetime(2030, 11, 1, tzinfo=BEIJING), date_precision="month")
    response = admin_client.get(EVENTS + "?o=2")
    assert cells(response, "when") == ["November 2030", "9 Dec 2030, 15:00", "10 Dec 2030"]
    assert "midnight" not in response.content.decode()


def test_chinese_dates_follow_the_chinese_order(make_event):
    event = make_event(starts_at=datetime.datetime(2030, 12, 9, 15, 0, tzinfo=BEIJING))
    with translation.override("zh-hans"):
        assert when_text(event) == "2030年12月9日 15:00"
        assert when_text(event, weekday=True) == "2030年12月9日 星期一 15:00"


def test_key_figure_values_show_as_written(admin_client, make_key_figure):
    figure = make_key_figure(value=Decimal("10749"))
    make_key_figure(value=Decimal("2.50"))
    response = admin_client.get(reverse("admin:lifevalley_keyfigure_changelist") + "?o=3")
    assert cells(response, "value_display") == ["2.5", "10,749"]
    data = change_form_payload(admin_client,
                               reverse("admin:lifevalley_keyfigure_change", args=[figure.pk]))
    assert data["value"] == "10749"


def test_the_time_zone_is_noted_once_per_form(admin_client, make_event):
    event = make_event()
    html = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content
    assert html.decode().count(TZ_NOTE) == 1
    assert "Times are Beijing time" not in html.decode()
    category_form = admin_client.get(reverse("admin:events_eventcategory_add")).content
    assert TZ_NOTE not in category_form.decode()  # no date or time on that form


@pytest.mark.parametrize(("who", "told"), [("admin", False), ("publisher", False),
                                            ("editor", True)])
def test_only_editors_are_told_only_publishers_can_publish(request, make_zone, who, told):
    client = request.getfixturevalue(f"{who}_client")
    zone = make_zone()
    html = client.get(reverse("admin:zones_zone_change", args=[zone.pk])).content.decode()
    assert ("Only Publishers can change these." in html) is told


def test_dashboard_warns_only_about_events_with_neither_venue_nor_zone(admin_client, make_event,
                                                                      make_zone, make_venue):
    make_event(title="In a zone, no hall", zone=make_zone())
    make_event(title="At a venue", venue=make_venue())
    make_event(title="Nowhere said", starts_at=datetime.datetime(2030, 3, 1, 0, 0,
                                                                  tzinfo=BEIJING),
               is_all_day=True)
    html = admin_client.get(reverse("admin:index")).content.decode()
    warning = html.split("Upcoming events with neither a venue nor a zone", 1)[1]
    assert re.findall(r'/change/">(.*?)</a> — ([^<]*)<', warning) == [("Nowhere said",
                                                                       "1 Mar 2030")]


def test_admin_wears_the_site_name_and_colours(admin_client, park_profile):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f"{park_profile.short_name} back office</a>" in html
    assert "/static/css/admin.css" in html
