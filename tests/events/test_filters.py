import datetime

import pytest
from django.utils import timezone

from events.filters import EventFilter
from events.models import Event
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def filtered(data):
    filterset = EventFilter(data, queryset=Event.objects.published().order_by("starts_at"))
    assert filterset.is_valid(), filterset.errors
    return [event.title for event in filterset.qs]


def errors(data):
    filterset = EventFilter(data, queryset=Event.objects.all())
    assert not filterset.is_valid()
    return {name: list(messages) for name, messages in filterset.errors.items()}


def test_q_searches_title_summary_description_and_venue(make_event, make_venue):
    make_event(title="RIPK1 symposium")
    make_event(title="B", summary="On ripk1 inhibitors")
    make_event(title="C", description="Kinases such as RIPK1")
    make_event(title="D", venue=make_venue(name="RIPK1 Hall"))
    make_event(title="Unrelated")
    assert filtered({"q": "ripk1"}) == ["RIPK1 symposium", "B", "C", "D"]


def test_category_zone_and_organiser_by_slug(make_event, make_event_category, make_zone,
                                             make_organisation):
    forum = make_event_category(slug="forum")
    zone = make_zone(slug="medical-device")
    organiser = make_organisation(slug="changping-laboratory")
    make_event(title="Forum", category=forum)
    make_event(title="In zone", zone=zone)
    make_event(title="Organised", organisers=[organiser, make_organisation()])
    make_event(title="All three", category=forum, zone=zone, organisers=[organiser])
    assert filtered({"category": "forum"}) == ["Forum", "All three"]
    assert filtered({"zone": "medical-device"}) == ["In zone", "All three"]
    assert filtered({"organiser": "changping-laboratory"}) == ["Organised", "All three"]
    assert filtered({"category": "forum", "zone": "medical-device",
                     "organiser": "changping-laboratory"}) == ["All three"]


def test_after_and_before_use_beijing_days(make_event):
    make_event(title="Late on the 9th", starts_at=beijing(2030, 3, 9, 23, 30),
               ends_at=beijing(2030, 3, 9, 23, 50))
    make_event(title="10th", starts_at=beijing(2030, 3, 10, 0, 10),
               ends_at=beijing(2030, 3, 10, 2))
    make_event(title="9th to 11th", starts_at=beijing(2030, 3, 9, 9),
               ends_at=beijing(2030, 3, 11, 17))
    make_event(title="12th", starts_at=beijing(2030, 3, 12, 9), ends_at=beijing(2030, 3, 12, 10))
    assert filtered({"after": "2030-03-10"}) == ["9th to 11th", "10th", "12th"]
    assert filtered({"before": "2030-03-10"}) == ["9th to 11th", "Late on the 9th", "10th"]
    assert filtered({"after": "2030-03-10", "before": "2030-03-10"}) == ["9th to 11th", "10th"]


def test_after_finds_a_series_that_started_earlier(make_event):
    make_event(title="Series", starts_at=beijing(2030, 1, 1, 9), ends_at=beijing(2030, 1, 1, 10),
               recurrence_rule="FREQ=MONTHLY;COUNT=12")
    make_event(title="Once", starts_at=beijing(2030, 1, 2, 9), ends_at=beijing(2030, 1, 2, 10))
    assert filtered({"after": "2030-06-01"}) == ["Series"]


def test_unknown_and_unpublished_slugs_are_errors(make_zone, make_organisation):
    make_zone(slug="hidden-zone", is_published=False)
    make_organisation(slug="hidden-org", is_published=False)
    assert errors({"zone": "hidden-zone", "organiser": "hidden-org", "category": "nope"}) == {
        "zone": ["There is no zone with this slug."],
        "organiser": ["There is no organiser with this slug."],
        "category": ["There is no category with this slug."],
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"q": "x" * 201}, "q"),
        ({"q": "bad\x00byte"}, "q"),
        ({"zone": "bad\x00slug"}, "zone"),
        ({"organiser": "a" * 201}, "organiser"),
        ({"category": "not a slug!"}, "category"),
        ({"after": "2024-02-30"}, "after"),
        ({"before": "30/01/2024"}, "before"),
        ({"after": "0001-01-01"}, "after"),
        ({"before": "9999-12-31"}, "before"),
        ({"after": "2030-01-02", "before": "2030-01-01"}, "__all__"),
    ],
)
def test_bad_values_are_reported(data, field):
    assert list(errors(data)) == [field]


def test_canonical_query_and_description(make_event_category, make_zone):
    make_event_category(slug="forum", name="Forum")
    make_zone(slug="frontier-technology", name="Frontier Technology Zone")
    filterset = EventFilter(
        {"page": "3", "zone": "frontier-technology", "utm": "x", "category": "forum",
         "after": "2030-01-01", "q": " brain "},
        queryset=Event.objects.all(),
    )
    assert filterset.is_valid()
    assert filterset.canonical_query() == [
        ("q", "brain"), ("category", "forum"), ("zone", "frontier-technology"),
        ("after", "2030-01-01"),
    ]
    assert filterset.describe() == "“brain” · Forum · Frontier Technology Zone · from 2030-01-01"


def test_no_filters_mean_everything(make_event):
    now = timezone.now()
    make_event(title="A", starts_at=now + datetime.timedelta(days=1))
    make_event(title="B", starts_at=now + datetime.timedelta(days=2))
    assert filtered({}) == ["A", "B"]
