import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, FeedState
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def test_uid_is_ascii_made_once_and_survives_edits(make_event):
    event = make_event(title="Forum", slug="forum")
    uid = event.uid
    assert uid.isascii() and uid.endswith("@lifevalley")
    assert "forum" not in uid
    event.title = "论坛 Forum renamed"
    event.slug = "forum-renamed"
    event.starts_at += datetime.timedelta(days=3)
    event.ends_at += datetime.timedelta(days=3)
    event.save()
    assert Event.objects.get(pk=event.pk).uid == uid


def test_uids_differ_between_events(make_event):
    assert make_event().uid != make_event().uid


@pytest.mark.parametrize(
    "change",
    [
        lambda e, venue: setattr(e, "starts_at", e.starts_at - datetime.timedelta(hours=1)),
        lambda e, venue: setattr(e, "ends_at", e.ends_at + datetime.timedelta(hours=1)),
        lambda e, venue: setattr(e, "venue", venue),
        lambda e, venue: setattr(e, "status", Event.Status.CANCELLED),
        lambda e, venue: setattr(e, "is_all_day", True),
        lambda e, venue: setattr(e, "recurrence_rule", "FREQ=WEEKLY;COUNT=3"),
    ],
    ids=["start", "end", "venue", "status", "all-day", "rule"],
)
def test_sequence_rises_when_time_place_or_status_change(make_event, make_venue, change):
    event = make_event()
    change(event, make_venue())
    event.save()
    assert Event.objects.get(pk=event.pk).sequence == 1


def test_sequence_stays_for_text_edits_and_publication(make_event):
    event = make_event()
    event.title = "New title"
    event.description = "New description"
    event.is_published = False
    event.save()
    event.save()
    assert Event.objects.get(pk=event.pk).sequence == 0


def test_sequence_rises_once_per_save_even_for_objects_not_loaded_from_the_database(make_event):
    event = make_event()
    detached = Event(**{f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields})
    detached._state.adding = False
    detached.status = Event.Status.POSTPONED
    detached.save()
    assert Event.objects.get(pk=event.pk).sequence == 1


def test_moving_a_venue_raises_the_sequence_of_its_events(make_event, make_venue):
    venue = make_venue(address="Old Road 1")
    event = make_event(venue=venue)
    other = make_event()
    venue.address = "New Road 2"
    venue.save()
    assert Event.objects.get(pk=event.pk).sequence == 1
    assert Event.objects.get(pk=other.pk).sequence == 0


def test_database_refuses_an_end_before_the_start(make_event):
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - datetime.timedelta(1))


def test_clean_explains_an_end_before_the_start(make_event):
    event = make_event()
    event.ends_at = event.starts_at - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["ends_at"] == ["The event cannot end before it starts."]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=FORTNIGHTLY",
        "FREQ=SECONDLY",
        "FREQ=WEEKLY;UNTIL=20300101T000000",  # a floating UNTIL with a Beijing-time start
        "FREQ=WEEKLY\nDTSTART:20200101T000000Z",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=DAILY;COUNT=5000",
        "not a rule",
    ],
)
def test_clean_refuses_bad_repeat_rules(make_event, rule):
    event = make_event()
    event.recurrence_rule = rule
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert list(error.value.message_dict) == ["recurrence_rule"]


def test_clean_accepts_and_normalises_a_good_rule(make_event):
    event = make_event()
    event.recurrence_rule = " rrule:freq=weekly;byday=tu;until=20300101T000000Z "
    event.full_clean()
    assert event.recurrence_rule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20300101T000000Z"


def test_clean_refuses_bad_skipped_dates(make_event):
    event = make_event(recurrence_rule="FREQ=WEEKLY;COUNT=4")
    event.exception_dates = "2030-01-01\n31/12/2030"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["exception_dates"] == [
        "Line 2, “31/12/2030”, is not a date in the form YYYY-MM-DD."
    ]


def test_clean_refuses_skipped_dates_without_a_rule(make_event):
    event = make_event()
    event.exception_dates = "2030-01-01"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["exception_dates"] == ["Only a repeating event can skip dates."]


def test_all_day_event_spans_whole_days_in_beijing(make_event):
    event = make_event(starts_at=beijing(2030, 5, 6, 14), ends_at=beijing(2030, 5, 7, 9),
                       is_all_day=True)
    assert (event.local_start, event.local_end) == (
        beijing(2030, 5, 6, 0, 0), beijing(2030, 5, 7, 23, 59, 59)
    )


def test_month_only_event_spans_the_month_without_invented_days(make_event):
    event = make_event(starts_at=beijing(2023, 11, 1), ends_at=beijing(2023, 11, 1),
                       date_precision=Event.DatePrecision.MONTH)
    assert event.is_all_day is True
    assert (event.local_start.date(), event.local_end.date()) == (
        datetime.date(2023, 11, 1), datetime.date(2023, 11, 30)
    )


def test_occurrences_follow_the_rule_and_skip_exception_dates(make_event):
    event = make_event(
        starts_at=beijing(2030, 1, 2, 15), ends_at=beijing(2030, 1, 2, 16, 30),
        recurrence_rule="FREQ=WEEKLY;COUNT=4", exception_dates="2030-01-09",
    )
    starts = [start for start, _end in event.occurrences(beijing(2030, 1, 1), beijing(2030, 2, 1))]
    assert starts == [beijing(2030, 1, 2, 15), beijing(2030, 1, 16, 15), beijing(2030, 1, 23, 15)]
    assert event.series_ends_at == beijing(2030, 1, 23, 16, 30)


def test_unbounded_series_never_ends(make_event):
    event = make_event(recurrence_rule="FREQ=MONTHLY")
    assert event.series_ends_at is None
    assert list(Event.objects.upcoming(timezone.now() + datetime.timedelta(days=3650))) == [event]


def test_upcoming_and_past_split_by_end_of_series(make_event):
    now = timezone.now()
    ended = make_event(title="ended", starts_at=now - datetime.timedelta(days=3))
    running_series = make_event(
        title="series", starts_at=now - datetime.timedelta(days=14),
        recurrence_rule="FREQ=WEEKLY;COUNT=10",
    )
    soon = make_event(title="soon", starts_at=now + datetime.timedelta(days=1))
    assert list(Event.objects.upcoming(now)) == [running_series, soon]
    assert list(Event.objects.past(now)) == [ended]


def feed_changed_at():
    """What the feed's Last-Modified starts from (events/feeds.py feed_clock)."""
    return FeedState.objects.get(pk=1).changed_at


def test_feed_state_moves_forward_on_delete_and_unpublish(make_event):
    event = make_event()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    FeedState.objects.update(changed_at=long_ago)
    event.is_published = False
    event.save()
    after_unpublish = feed_changed_at()
    assert after_unpublish > long_ago
    FeedState.objects.update(changed_at=long_ago)
    Event.objects.filter(pk=event.pk).delete()  # the admin's bulk delete path
    assert feed_changed_at() > long_ago


def test_feed_state_never_goes_backwards():
    later = timezone.now() + datetime.timedelta(days=1)
    FeedState.touch(later)
    FeedState.touch(later - datetime.timedelta(days=5))
    assert feed_changed_at() == later


def test_first_publication_time_is_kept(make_event):
    event = make_event(is_published=False)
    assert event.published_at is None
    event.is_published = True
    event.save()
    first = event.published_at
    event.is_published = False
    event.save()
    event.is_published = True
    event.save()
    assert Event.objects.get(pk=event.pk).published_at == first
