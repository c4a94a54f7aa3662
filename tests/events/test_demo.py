import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Organisation
from events.models import Event
from events.services import generate_events
from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db

FORUM = "2023-beijing-changping-international-forum-on-life-science"
DRUG_FORUM = "drug-discovery-and-development-forum-of-the-zgc-life-science-park"
BRAIN = "the-great-brain-exploration-2023"


def load_demo():
    call_command("loaddemo", stdout=io.StringIO())


def speakers(event):
    return [(s.name, s.affiliation) for s in event.speakers.all()]


def test_loaddemo_carries_the_three_events_of_the_article(client):
    load_demo()
    forum = Event.objects.get(slug=FORUM)
    drug = Event.objects.get(slug=DRUG_FORUM)
    brain = Event.objects.get(slug=BRAIN)
    assert forum.title == "2023 Beijing-Changping International Forum on Life Science"
    assert (forum.is_month_only, forum.local_start.date(), forum.local_end.date()) == (
        True, datetime.date(2023, 11, 1), datetime.date(2023, 11, 30)
    )
    assert speakers(forum) == [("Zhi Xianwei", "")]
    assert forum.speakers.get().role == "District Mayor, Changping District"

    assert drug.parent == forum and drug.is_month_only
    assert [o.slug for o in drug.organisers.all()] == ["beijing-changping-peoples-government"]
    assert speakers(drug) == [
        ("Qiang Liu", ""),
        ("Junying Yuan", "Shanghai Institute of Organic Chemistry, Chinese Academy of Sciences"),
    ]
    assert "Nature Research Custom Media" in drug.description
    assert "RIPK1" in drug.speakers.get(name="Junying Yuan").talk_title

    assert brain.title == (
        "The Great Brain Exploration: from Cognition to Brain-Inspired Technology"
    )
    assert brain.parent == forum and not brain.is_month_only and brain.is_all_day
    assert (brain.local_start.date(), brain.local_end.date()) == (
        datetime.date(2023, 12, 7), datetime.date(2023, 12, 8)
    )
    assert speakers(brain) == [("Antonia Hamilton", "University College London, United Kingdom")]
    assert brain.zone.slug == "life-science-park"
    assert all(e.is_published for e in (forum, drug, brain))

    page = client.get(forum.get_absolute_url()).content.decode()
    assert "Drug Discovery and Development Forum" in page and "The Great Brain Exploration" in page
    assert "Zhi Xianwei" in page


def test_loaddemo_adds_marked_samples_including_a_repeating_seminar(client):
    load_demo()
    now = timezone.now()
    samples = Event.objects.published().upcoming(now)
    assert samples.count() == 3
    assert all("(sample)" in event.title for event in samples)
    seminar = samples.get(slug="sample-life-valley-weekly-seminar")
    assert seminar.recurrence_rule == "FREQ=WEEKLY;BYDAY=WE;COUNT=12"
    skipped = seminar.skipped_dates
    assert len(skipped) == 1
    dates = [start.date() for start, _end in seminar.next_occurrences(now, limit=20)]
    assert len(dates) == 11 and skipped[0] not in dates
    assert client.get("/").context["upcoming_events"]


def test_loaddemo_is_idempotent_and_keeps_staff_edits():
    load_demo()
    count = Event.objects.count()
    forum = Event.objects.get(slug=FORUM)
    forum.summary = "Edited by staff"
    forum.save()
    government = Organisation.objects.get(slug="beijing-changping-peoples-government")
    load_demo()
    assert Event.objects.count() == count
    assert Event.objects.get(slug=FORUM).summary == "Edited by staff"
    assert Organisation.objects.get(slug="beijing-changping-peoples-government") == government


def test_loaddemo_reuses_an_existing_government_organisation(make_organisation):
    existing = make_organisation(name="Beijing Changping People's Government",
                                 slug="beijing-changping-peoples-government",
                                 kind=Organisation.Kind.PUBLIC_BODY)
    load_demo()
    assert list(Event.objects.get(slug=DRUG_FORUM).organisers.all()) == [existing]


def test_generate_events_makes_published_events_spread_over_past_and_future(make_zone,
                                                                              make_organisation):
    make_zone()
    make_organisation()
    assert generate_events(300, seed=4) == 300
    now = timezone.now()
    events = Event.objects.published()
    assert events.count() == 300
    assert 100 < events.past(now).count() < 280
    assert 20 < events.upcoming(now).count() < 200
    assert len(set(events.values_list("category", flat=True))) > 3
    assert len(set(events.values_list("uid", flat=True))) == 300
    assert all(e.series_ends_at is not None for e in events)
    assert Event.objects.filter(organisers__isnull=False).exists()
    first = timezone.localtime(events.order_by("starts_at").first().starts_at, BEIJING)
    assert first.date() >= (now - datetime.timedelta(days=5 * 366)).date()


def test_loadscale_command_creates_events():
    out = io.StringIO()
    call_command("loadscale", "--events", "25", stdout=out)
    assert "Created 25 events." in out.getvalue()
    assert Event.objects.count() == 25
