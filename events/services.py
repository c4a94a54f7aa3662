"""Demo content and synthetic data for the events calendar.

The three real events come from ../shared/seed/facts.md. The article dates the 2023
Beijing-Changping International Forum on Life Science (and so its Drug Discovery and
Development Forum) only as "November 2023": they are stored with the "month only" date
precision, shown as "November 2023 (exact dates not announced)", never with invented days.
Seeding creates what is missing and never touches a row that already exists.
"""

import datetime
import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from directory.models import Organisation
from events.models import Event, EventCategory, FeedState, Speaker, Venue, make_uid
from lifevalley.timezones import BEIJING
from zones.models import Zone

CATEGORIES = [
    ("forum", "Forum", "论坛"),
    ("conference", "Conference", "会议"),
    ("symposium", "Symposium", "研讨会"),
    ("seminar", "Seminar", "讲座"),
    ("exhibition", "Exhibition", "展览"),
    ("meetup", "Meetup", "交流会"),
]

CHANGPING_GOVERNMENT = {
    "slug": "beijing-changping-peoples-government",
    "name": "Beijing Changping People's Government",
    "name_zh_hans": "北京市昌平区人民政府",
    "kind": Organisation.Kind.PUBLIC_BODY,
}

FORUM_SLUG = "2023-beijing-changping-international-forum-on-life-science"
NOVEMBER_2023 = (datetime.date(2023, 11, 1), datetime.date(2023, 11, 30))

REAL_EVENTS = [
    {
        "slug": FORUM_SLUG,
        "title": "2023 Beijing-Changping International Forum on Life Science",
        "title_zh_hans": "2023北京·昌平生命科学国际论坛",
        "category": "forum",
        "dates": NOVEMBER_2023,
        "date_precision": Event.DatePrecision.MONTH,
        "summary": "Changping's international forum on the life sciences, held in November 2023.",
        "description": (
            "At the 2023 Beijing-Changping International Forum on Life Science, Changping "
            "District Mayor Zhi Xianwei presented the district's new policies for Life Valley: "
            "the 'industry multiplication' action plan, which provides additional investment, "
            "support for talent development and infrastructure, and blueprints for the "
            "construction of a life sciences innovation corridor.\n\n"
            "The source article dates the forum only as November 2023; the exact days were "
            "not published."
        ),
        "speakers": [
            {
                "name": "Zhi Xianwei",
                "role": "District Mayor, Changping District",
                "talk_title": (
                    "The 'industry multiplication' action plan and a life sciences "
                    "innovation corridor"
                ),
            },
        ],
        "organisers": [],
    },
    {
        "slug": "drug-discovery-and-development-forum-of-the-zgc-life-science-park",
        "title": "Drug Discovery and Development Forum of the ZGC Life Science Park",
        "category": "forum",
        "dates": NOVEMBER_2023,
        "date_precision": Event.DatePrecision.MONTH,
        "parent": FORUM_SLUG,
        "summary": (
            "Part of the 2023 Beijing-Changping International Forum on Life Science, organised "
            "by Beijing Changping People's Government with the support of Nature Research "
            "Custom Media."
        ),
        "description": (
            "Organised by Beijing Changping People's Government, with the support of Nature "
            "Research Custom Media, as part of the 2023 Beijing-Changping International Forum "
            "on Life Science.\n\n"
            "Qiang Liu, deputy governor of Changping district, opened the forum: \"It is "
            "imperative to develop the infrastructure and provide policy support for Life "
            "Valley.\"\n\n"
            "Cell biologist Junying Yuan, of the Shanghai Institute of Organic Chemistry, "
            "Chinese Academy of Sciences, shared the results of her research on RIPK1, a kinase "
            "enzyme and signalling molecule involved in cellular pathways related to cell "
            "survival and death, and an important pharmacological target for drugs designed "
            "to treat human neurodegenerative diseases."
        ),
        "speakers": [
            {
                "name": "Qiang Liu",
                "role": "Deputy governor of Changping district",
                "talk_title": "Opening address",
            },
            {
                "name": "Junying Yuan",
                "role": "Cell biologist",
                "affiliation": (
                    "Shanghai Institute of Organic Chemistry, Chinese Academy of Sciences"
                ),
                "talk_title": (
                    "RIPK1, a pharmacological target for drugs against neurodegenerative "
                    "diseases"
                ),
            },
        ],
        "organisers": [CHANGPING_GOVERNMENT["slug"]],
    },
    {
        "slug": "the-great-brain-exploration-2023",
        "title": "The Great Brain Exploration: from Cognition to Brain-Inspired Technology",
        "category": "symposium",
        "dates": (datetime.date(2023, 12, 7), datetime.date(2023, 12, 8)),
        "date_precision": Event.DatePrecision.DAY,
        "parent": FORUM_SLUG,
        "zone": "life-science-park",
        "summary": (
            "A satellite event of the 2023 Beijing-Changping International Forum on Life "
            "Science, held in the life science park."
        ),
        "description": (
            "A satellite event of the Beijing-Changping International Forum on Life Science, "
            "held in the ZGC Life Science Park on 7–8 December 2023.\n\n"
            "Neuroscientist Antonia Hamilton, of University College London, shared her research "
            "on neurocognition and how humans use imitation to send nonverbal signals, a "
            "process that can be disrupted in people with autism."
        ),
        "speakers": [
            {
                "name": "Antonia Hamilton",
                "role": "Neuroscientist, key speaker",
                "affiliation": "University College London, United Kingdom",
                "talk_title": (
                    "Neurocognition and how humans use imitation to send nonverbal signals"
                ),
            },
        ],
        "organisers": [],
    },
]


def _sample_events(today):
    """A few upcoming events, marked "(sample)" in their titles, so the calendar is not empty."""
    monday = today + datetime.timedelta(days=7 - today.weekday())
    wednesday = monday + datetime.timedelta(days=2)
    third_week = wednesday + datetime.timedelta(weeks=2)
    return [
        {
            "slug": "sample-life-valley-weekly-seminar",
            "title": "Life Valley weekly research seminar (sample)",
            "category": "seminar",
            "start": datetime.datetime.combine(wednesday, datetime.time(15, 0), BEIJING),
            "end": datetime.datetime.combine(wednesday, datetime.time(16, 30), BEIJING),
            "recurrence_rule": "FREQ=WEEKLY;BYDAY=WE;COUNT=12",
            "exception_dates": third_week.isoformat(),
            "zone": "life-science-park",
            "summary": "Sample content: a weekly seminar series, with one week skipped.",
        },
        {
            "slug": "sample-cell-and-gene-therapy-symposium",
            "title": "Cell and Gene Therapy Symposium (sample)",
            "category": "symposium",
            "start": datetime.datetime.combine(
                monday + datetime.timedelta(weeks=5, days=3), datetime.time(9, 0), BEIJING
            ),
            "end": datetime.datetime.combine(
                monday + datetime.timedelta(weeks=5, days=3), datetime.time(17, 30), BEIJING
            ),
            "zone": "frontier-technology",
            "summary": "Sample content: a one-day symposium in the Frontier Technology zone.",
        },
        {
            "slug": "sample-medical-device-innovation-exhibition",
            "title": "Medical Device Innovation Exhibition (sample)",
            "category": "exhibition",
            "start": datetime.datetime.combine(
                monday + datetime.timedelta(weeks=9, days=1), datetime.time.min, BEIJING
            ),
            "end": datetime.datetime.combine(
                monday + datetime.timedelta(weeks=9, days=2), datetime.time.min, BEIJING
            ),
            "all_day": True,
            "zone": "medical-device",
            "summary": "Sample content: a two-day exhibition in the Medical Device zone.",
        },
    ]


def ensure_categories():
    return {
        slug: EventCategory.objects.get_or_create(
            slug=slug, defaults={"name_en": name, "name_zh_hans": name_zh, "order": order}
        )[0]
        for order, (slug, name, name_zh) in enumerate(CATEGORIES, start=1)
    }


def ensure_changping_government():
    """The organiser of the Drug Discovery forum; the directory seeder uses the same slug."""
    organisation = Organisation.objects.filter(slug=CHANGPING_GOVERNMENT["slug"]).first()
    if organisation is None:
        organisation = Organisation.objects.filter(
            name__iexact=CHANGPING_GOVERNMENT["name"]
        ).first()
    if organisation is None:
        organisation = Organisation.objects.create(**CHANGPING_GOVERNMENT, is_published=True)
    return organisation


@transaction.atomic
def seed_events():
    categories = ensure_categories()
    ensure_changping_government()
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    for data in REAL_EVENTS:
        first, last = data["dates"]
        event, created = Event.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "title_zh_hans": data.get("title_zh_hans"),
                "category": categories[data["category"]],
                "starts_at": datetime.datetime.combine(first, datetime.time.min, BEIJING),
                "ends_at": datetime.datetime.combine(last, datetime.time.min, BEIJING),
                "is_all_day": True,
                "date_precision": data["date_precision"],
                "summary": data["summary"],
                "description": data["description"],
                "parent": Event.objects.filter(slug=data.get("parent", "")).first(),
                "zone": zones.get(data.get("zone", "")),
                "is_published": True,
            },
        )
        if not created:
            continue
        event.organisers.set(Organisation.objects.filter(slug__in=data["organisers"]))
        Speaker.objects.bulk_create(
            Speaker(event=event, order=order, **speaker)
            for order, speaker in enumerate(data["speakers"], start=1)
        )
    today = timezone.localtime(timezone.now(), BEIJING).date()
    for data in _sample_events(today):
        Event.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "title_zh_hans": data.get("title_zh_hans"),
                "category": categories[data["category"]],
                "starts_at": data["start"],
                "ends_at": data["end"],
                "is_all_day": data.get("all_day", False),
                "recurrence_rule": data.get("recurrence_rule", ""),
                "exception_dates": data.get("exception_dates", ""),
                "zone": zones.get(data.get("zone", "")),
                "summary": data["summary"],
                "is_published": True,
            },
        )


# Synthetic data for benchmarks ---------------------------------------------------------------

TOPICS = [
    "Cell and gene therapy", "Synthetic biology", "Digital medicine", "Brain-computer interfaces",
    "Innovative drugs", "High-end diagnostics", "Implant technology", "Protein science",
    "Neurodegenerative disease", "Clinical trials", "Biomanufacturing", "AI in drug discovery",
]
VENUES = [
    ("Life Science Park Conference Centre", "Life Science Park Road, Changping, Beijing"),
    ("Future Science City Auditorium", "Future Science City, Changping, Beijing"),
    ("Changping Laboratory Lecture Hall", "Changping, Beijing"),
    ("Xiaotangshan Exhibition Hall", "Xiaotangshan, Changping, Beijing"),
]


def generate_events(count, *, seed=None, batch_size=1000):
    """Create ``count`` published synthetic events spread over seven years; returns the count.

    Dates run from five years back to two years ahead (most in the past, as in a real
    calendar), across categories, zones and venues, with a few all-day, cancelled, postponed
    and weekly events.
    """
    rng = random.Random(seed)
    token = secrets.token_hex(3)
    categories = list(ensure_categories().values())
    venues = [Venue.objects.get_or_create(name=n, defaults={"address": a})[0] for n, a in VENUES]
    zones = list(Zone.objects.published()) + [None]
    organisation_ids = list(
        Organisation.objects.published().order_by("?").values_list("pk", flat=True)[:500]
    )
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for batch_start in range(0, count, batch_size):
            events = []
            for number in range(batch_start, min(count, batch_start + batch_size)):
                events.append(_synthetic_event(rng, number, token, now, categories, venues, zones))
            Event.objects.bulk_create(events, batch_size=batch_size)
            created += len(events)
            if organisation_ids:
                through = Event.organisers.through
                links = [
                    through(event_id=event.pk, organisation_id=rng.choice(organisation_ids))
                    for event in events
                    if rng.random() < 0.4
                ]
                through.objects.bulk_create(links, ignore_conflicts=True)
        FeedState.touch()
    return created


def _synthetic_event(rng, number, token, now, categories, venues, zones):
    topic = rng.choice(TOPICS)
    category = rng.choice(categories)
    title = f"{topic} {category.name.lower()} #{number + 1}"
    day = (now + datetime.timedelta(days=rng.randint(-5 * 365, 2 * 365))).astimezone(BEIJING)
    all_day = rng.random() < 0.15
    if all_day:
        start = datetime.datetime.combine(day.date(), datetime.time.min, BEIJING)
        end = datetime.datetime.combine(
            day.date() + datetime.timedelta(days=rng.choice([0, 0, 1, 2])),
            datetime.time(23, 59, 59), BEIJING,
        )
    else:
        start = datetime.datetime.combine(day.date(), datetime.time(rng.randint(8, 16)), BEIJING)
        end = start + datetime.timedelta(minutes=rng.choice([60, 90, 120, 240, 480]))
    roll = rng.random()
    status = (
        Event.Status.CANCELLED if roll < 0.03
        else Event.Status.POSTPONED if roll < 0.05
        else Event.Status.SCHEDULED
    )
    event = Event(
        title=title,
        slug=slugify(f"{title}-{token}"),
        uid=make_uid(),
        summary=f"A {category.name.lower()} on {topic.lower()} in Life Valley (synthetic data).",
        description=f"Synthetic event for load tests: {topic}. " * 3,
        category=category,
        starts_at=start,
        ends_at=end,
        is_all_day=all_day,
        venue=rng.choice(venues),
        zone=rng.choice(zones),
        status=status,
        recurrence_rule="FREQ=WEEKLY;COUNT=8" if rng.random() < 0.01 and not all_day else "",
        is_published=True,
        published_at=now,
    )
    event.series_ends_at = event.compute_series_end()
    return event
