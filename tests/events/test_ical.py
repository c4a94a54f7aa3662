import datetime

import icalendar
import pytest
from django.urls import reverse

from events import ical, limits
from events.models import Event
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db

BASE = "https://lifevalley.example.com"


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def parse(data):
    return icalendar.Calendar.from_ical(data)


def only_event(data):
    events = parse(data).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_calendar_has_every_header_clients_need(make_event):
    data = ical.build_calendar([make_event()], base_url=BASE, name="Life Valley events · Forum")
    calendar = parse(data)
    assert str(calendar["PRODID"]) == ical.PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "Life Valley events · Forum"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=4)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT4H"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    assert {c.name for c in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_single_event_file_has_no_calendar_name(make_event):
    calendar = parse(ical.build_calendar([make_event()], base_url=BASE))
    assert "X-WR-CALNAME" not in calendar
    assert "REFRESH-INTERVAL" not in calendar
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"


def test_empty_feed_still_describes_its_time_zone():
    calendar = parse(ical.build_calendar([], base_url=BASE, name="Nothing"))
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_timed_event_properties(make_event, make_venue, make_organisation, make_event_category):
    organiser = make_organisation(name="Beijing Changping People's Government",
                                  slug="changping", email="office@example.cn")
    event = make_event(
        title="Drug Discovery Forum",
        starts_at=beijing(2030, 11, 6, 9, 30),
        ends_at=beijing(2030, 11, 6, 17, 0),
        venue=make_venue(name="Conference Centre", address="1 Park Road, Changping"),
        category=make_event_category(name="Forum"),
        summary="Drugs, targets and trials.",
        registration_url="https://register.example.com/forum",
        organisers=[organiser],
    )
    event.public_organisers = [organiser]
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert str(vevent["UID"]) == event.uid
    assert vevent["DTSTART"].dt == beijing(2030, 11, 6, 9, 30)
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert vevent["DTEND"].dt == beijing(2030, 11, 6, 17, 0)
    assert vevent["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)
    assert vevent["LAST-MODIFIED"].dt == event.updated_at.replace(microsecond=0)
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["SUMMARY"]) == "Drug Discovery Forum"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]) == f"{BASE}/events/{event.slug}/"
    assert str(vevent["LOCATION"]) == "Conference Centre, 1 Park Road, Changping"
    assert str(vevent["ORGANIZER"]) == "mailto:office@example.cn"
    assert vevent["ORGANIZER"].params["CN"] == "Beijing Changping People's Government"
    assert vevent["CATEGORIES"].cats == ["Forum"]
    assert str(vevent["DESCRIPTION"]) == (
        "Drugs, targets and trials.\n\n"
        "Organised by Beijing Changping People's Government\n\n"
        "Registration: https://register.example.com/forum\n\n"
        f"Details: {BASE}/events/{event.slug}/"
    )
    assert "RRULE" not in vevent and "EXDATE" not in vevent


def test_all_day_event_uses_dates_with_exclusive_end(make_event):
    event = make_event(starts_at=beijing(2023, 12, 7), ends_at=beijing(2023, 12, 8),
                       is_all_day=True)
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert vevent["DTSTART"].dt == datetime.date(2023, 12, 7)
    assert vevent["DTEND"].dt == datetime.date(2023, 12, 9)
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert vevent["DTEND"].params["VALUE"] == "DATE"


def test_month_only_event_says_the_days_are_unknown(make_event):
    event = make_event(starts_at=beijing(2023, 11, 1), ends_at=beijing(2023, 11, 1),
                       date_precision=Event.DatePrecision.MONTH, summary="")
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert (vevent["DTSTART"].dt, vevent["DTEND"].dt) == (
        datetime.date(2023, 11, 1), datetime.date(2023, 12, 1)
    )
    assert str(vevent["DESCRIPTION"]).startswith(
        "Held in November 2023; the exact dates have not been announced."
    )


def test_repeating_event_carries_rule_and_skipped_dates(make_event):
    event = make_event(
        starts_at=beijing(2030, 1, 2, 15), ends_at=beijing(2030, 1, 2, 16, 30),
        recurrence_rule="FREQ=WEEKLY;BYDAY=WE;COUNT=6", exception_dates="2030-01-16\n2030-01-30",
    )
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert vevent["RRULE"] == icalendar.vRecur.from_ical("FREQ=WEEKLY;BYDAY=WE;COUNT=6")
    assert [d.dt for d in vevent["EXDATE"].dts] == [
        beijing(2030, 1, 16, 15), beijing(2030, 1, 30, 15)
    ]
    assert vevent["EXDATE"].params["TZID"] == "Asia/Shanghai"


def test_repeating_all_day_event_skips_dates(make_event):
    event = make_event(
        starts_at=beijing(2030, 3, 1), ends_at=beijing(2030, 3, 1), is_all_day=True,
        recurrence_rule="FREQ=MONTHLY;UNTIL=20301231", exception_dates="2030-06-01",
    )
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert [d.dt for d in vevent["EXDATE"].dts] == [datetime.date(2030, 6, 1)]
    assert vevent["RRULE"]["UNTIL"] == [datetime.date(2030, 12, 31)]


@pytest.mark.parametrize(
    ("status", "expected_status", "prefix"),
    [("cancelled", "CANCELLED", "Cancelled: "), ("postponed", "TENTATIVE", "Postponed: ")],
)
def test_cancelled_and_postponed_events(make_event, status, expected_status, prefix):
    vevent = only_event(ical.build_calendar([make_event(title="Forum", status=status)],
                                            base_url=BASE))
    assert str(vevent["STATUS"]) == expected_status
    assert str(vevent["SUMMARY"]) == prefix + "Forum"


def test_lines_end_in_crlf_and_fold_at_75_octets_on_character_boundaries(make_event):
    title = "北京昌平生命科学国际论坛：药物发现与开发分论坛，脑科学与类脑智能技术专题研讨会" * 3
    description = "生命谷" * 200 + "\n第二段：细胞与基因治疗、合成生物学、数字医疗。"
    event = make_event(title=title, description=description, summary="")
    data = ical.build_calendar([event], base_url=BASE, name="生命谷活动 · 论坛")
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no character cut in half
    assert sum(1 for line in lines if line.startswith(b" ")) > 10
    vevent = only_event(data)
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["DESCRIPTION"]).startswith(description)


def test_control_characters_are_stripped_and_text_escaped(make_event):
    event = make_event(summary="")
    # Set in memory: PostgreSQL itself refuses NUL, but imports and other paths may not.
    event.title = "Forum\x00 on cells;\x1b genes, and\x07 data\\"
    event.description = "Line one\r\nLine two\x0b\x0c end"
    data = ical.build_calendar([event], base_url=BASE)
    assert not any(byte < 32 and byte not in (10, 13) for byte in data)
    vevent = only_event(data)
    assert str(vevent["SUMMARY"]) == "Forum on cells; genes, and data\\"
    assert str(vevent["DESCRIPTION"]).startswith("Line one\nLine two end")
    assert b"SUMMARY:Forum on cells\\; genes\\, and data\\\\\r\n" in data


def test_organiser_without_email_points_to_the_directory_page(make_event, make_organisation):
    organiser = make_organisation(name="Changping Laboratory", slug="changping-laboratory")
    event = make_event(organisers=[organiser])
    event.public_organisers = [organiser]
    vevent = only_event(ical.build_calendar([event], base_url=BASE))
    assert str(vevent["ORGANIZER"]) == f"{BASE}/directory/changping-laboratory/"


def test_output_is_byte_identical_for_unchanged_events(make_event):
    events = [make_event(), make_event(recurrence_rule="FREQ=DAILY;COUNT=3")]
    first = ical.build_calendar(events, base_url=BASE, name="x")
    second = ical.build_calendar(list(Event.objects.order_by("pk")), base_url=BASE, name="x")
    assert first == second


def subscription_feed(client, settings):
    """/events/feed.ics as the feed is served (with a query it is never kept whole)."""
    settings.SITE_URL = BASE
    return client.get(reverse("events:feed") + "?q=").content


def test_feed_is_cut_to_the_byte_budget(client, settings, make_event, monkeypatch):
    events = [make_event(description="x" * 250) for _ in range(30)]
    whole = subscription_feed(client, settings)
    assert len(parse(whole).walk("VEVENT")) == 30
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", len(whole) // 2)
    cut = subscription_feed(client, settings)
    kept = [str(e["UID"]) for e in parse(cut).walk("VEVENT")]
    assert len(cut) <= len(whole) // 2
    assert 0 < len(kept) < 30
    assert kept == [e.uid for e in events[: len(kept)]]  # the soonest events stay


def test_feed_descriptions_are_shortened_with_a_link(client, settings, make_event):
    event = make_event(description="word " * 200, summary="")
    vevent = only_event(subscription_feed(client, settings))
    description = str(vevent["DESCRIPTION"])
    first_part = description.split("\n\n")[0]
    assert len(first_part) == ical.FEED_DESCRIPTION_CHARS and first_part.endswith("…")
    assert description.endswith(f"Details: {BASE}/events/{event.slug}/")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 60, "x" * 66, "x" * 67, "x" * 68, "x" * 200, "x" * 65 + "\\" + "y" * 80,
        "x" * 66 + "^" + "y" * 80, "a\\" * 90, "^" * 160, "x" * 66 + "\\\\" + "y" * 10,
        "生命谷" * 40, "a" + "北京" * 50, "é" * 100 + "x" * 7, "🧬" * 40, "x" * 64 + "北" * 30,
        "Forum; genes, data\\\nnext line " * 8, "",
    ],
)
def test_serialised_vevent_is_the_library_serialisation(make_event, text):
    event = make_event(title=text or "t", summary=text, description=text * 2)
    component = ical.event_component(event, base_url=BASE)
    line = text.replace("\n", " ")  # the library leaves X- values unescaped
    component.add("x-wr-note", line, parameters={"X-P": line[:40] or "p"})
    assert ical.serialise(component) == component.to_ical()


def test_assembled_calendar_is_the_library_calendar(make_event):
    events = [make_event(title="北京 forum" * 9), make_event(is_all_day=True)]
    calendar = icalendar.Calendar()
    for name, value in parse(ical.build_calendar([], base_url=BASE, name="x")).items():
        calendar[name] = value
    calendar.add_component(ical.beijing_vtimezone())
    for event in events:
        calendar.add_component(ical.event_component(event, base_url=BASE))
    assert ical.build_calendar(events, base_url=BASE, name="x") == calendar.to_ical()
