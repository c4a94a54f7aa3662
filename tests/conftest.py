"""Shared fixtures: small factories that make realistic, valid objects with one call."""

import datetime
import itertools
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone, translation

from directory.models import Organisation
from events.models import Event, EventCategory, Speaker, Venue
from lifevalley.models import KeyFigure, ParkProfile, Sector
from lifevalley.timezones import BEIJING
from zones.models import Project, Zone

_sequence = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No statement timeout for the test session: creating and dropping the test database
    can take longer than a request may on a loaded machine. (Tests of the timeouts set them
    on their own connection: tests/lifevalley/test_health.py.)"""
    from lifevalley.settings import DB_LOCK_TIMEOUT_MS, postgres_timeouts

    options = django_settings.DATABASES["default"].get("OPTIONS", {})
    if "options" in options:
        options["options"] = postgres_timeouts(0, DB_LOCK_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    # Tests see what a view renders (context, query counts); the page cache is tested where it
    # is asked for (the ``page_cache`` fixture).
    settings.PAGE_CACHE_ENABLED = False
    # Each test starts in English, as a fresh request to an unprefixed URL would.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def page_cache(settings):
    """Whole pages for anonymous visitors from the cache, as in production."""
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def make_sector(db):
    def make(**overrides):
        n = next(_sequence)
        fields = {"name": f"Sector {n}", "slug": f"sector-{n}"} | overrides
        return Sector.objects.create(**fields)

    return make


@pytest.fixture
def make_zone(db):
    def make(**overrides):
        n = next(_sequence)
        focus_areas = overrides.pop("focus_areas", [])
        fields = {
            "name": f"Zone {n}",
            "slug": f"zone-{n}",
            "tagline": "A zone for testing",
            "description": "Research and development.",
            "is_published": True,
            "order": n,
        } | overrides
        zone = Zone.objects.create(**fields)
        zone.focus_areas.set(focus_areas)
        return zone

    return make


@pytest.fixture
def make_project(db, make_zone):
    def make(**overrides):
        n = next(_sequence)
        fields = {
            "name": f"Project {n}",
            "slug": f"project-{n}",
            "status": Project.Status.UNDER_CONSTRUCTION,
            "is_published": True,
        } | overrides
        if "zone" not in fields:
            fields["zone"] = make_zone()
        return Project.objects.create(**fields)

    return make


@pytest.fixture
def make_organisation(db):
    def make(**overrides):
        n = next(_sequence)
        sectors = overrides.pop("sectors", [])
        fields = {
            "name": f"Organisation {n}",
            "slug": f"organisation-{n}",
            "kind": Organisation.Kind.ENTERPRISE,
            "summary": "A company in the park",
            "is_published": True,
        } | overrides
        organisation = Organisation.objects.create(**fields)
        organisation.sectors.set(sectors)
        return organisation

    return make


@pytest.fixture
def make_key_figure(db):
    def make(**overrides):
        n = next(_sequence)
        fields = {
            "qualifier": KeyFigure.Qualifier.MORE_THAN,
            "value": Decimal("900"),
            "label": f"pharmaceutical enterprises {n}",
            "as_of": datetime.date(2023, 12, 31),
            "source": "ZGC Life Science Park fact sheet",
            "order": n,
            "is_published": True,
        } | overrides
        return KeyFigure.objects.create(**fields)

    return make


@pytest.fixture
def park_profile(db):
    return ParkProfile.objects.create(
        name="Zhongguancun Life Science Park",
        short_name="Life Valley",
        tagline="The core of Life Valley",
        introduction="Founded in 2000.",
        contact_organisation="Administrative Commission of Beijing Future Science City",
        phone="+86-010-61703008",
        email="shengmygwh@bjchp.gov.cn",
        website="https://www.lifesciencepark.com.cn",
    )


@pytest.fixture
def staff_user(db, django_user_model):
    """A staff member who may view (and so preview) every public model, but not publish."""
    user = django_user_model.objects.create_user(
        "staff", "staff@example.com", "a-long-test-password", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def make_event_category(db):
    def make(**overrides):
        n = next(_sequence)
        fields = {"name": f"Category {n}", "slug": f"category-{n}", "order": n} | overrides
        return EventCategory.objects.create(**fields)

    return make


@pytest.fixture
def make_venue(db):
    def make(**overrides):
        n = next(_sequence)
        fields = {"name": f"Hall {n}", "address": f"{n} Life Science Park Road"} | overrides
        return Venue.objects.create(**fields)

    return make


def next_week_at(hour=9, days=7):
    """A whole hour in Beijing time, ``days`` from today."""
    today = timezone.localtime(timezone.now(), BEIJING).date()
    return datetime.datetime.combine(
        today + datetime.timedelta(days=days), datetime.time(hour), BEIJING
    )


@pytest.fixture
def make_event(db, make_event_category):
    """An event (published unless told otherwise): by default next week, two hours long, each
    one starting later than the one made before it (by an hour per object made since)."""

    def make(**overrides):
        n = next(_sequence)
        organisers = overrides.pop("organisers", [])
        speakers = overrides.pop("speakers", [])
        starts_at = overrides.pop("starts_at", None) or next_week_at() + datetime.timedelta(hours=n)
        fields = {
            "title": f"Event {n}",
            "slug": f"event-{n}",
            "summary": "A forum in the park",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "is_published": True,
        } | overrides
        if "category" not in fields:
            fields["category"] = make_event_category()
        event = Event.objects.create(**fields)
        event.organisers.set(organisers)
        for order, name in enumerate(speakers):
            Speaker.objects.create(event=event, name=name, order=order)
        return Event.objects.get(pk=event.pk)

    return make


@pytest.fixture
def published_event(make_event):
    return make_event(title="Published Forum", slug="published-forum")


@pytest.fixture
def draft_event(make_event, make_zone, make_organisation):
    """A draft that could leak: upcoming, in a zone, with an organiser, in every filter."""
    return make_event(title="Secret Draft Forum", slug="secret-draft-forum", is_published=False,
                      zone=make_zone(), organisers=[make_organisation()])


def _staff_in_group(django_user_model, username, group_name):
    """A staff user holding one of the real roles that ``setup_roles`` creates."""
    from lifevalley.roles import create_staff_groups

    group = create_staff_groups()[group_name]
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", "a-long-test-password", is_staff=True
    )
    user.groups.add(group)
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _staff_in_group(django_user_model, "editor", "Editors")


@pytest.fixture
def publisher(db, django_user_model):
    return _staff_in_group(django_user_model, "publisher", "Publishers")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def clock():
    """The clock every part of the site reads (django.utils.timezone.now), moved by the test.

    It starts just after noon in Beijing today (with microseconds, as a real clock has), so no
    test meets the page cache's midnight boundary (the day's "today" changes then) inside the
    minutes it moves the clock.
    """

    class Clock:
        now = timezone.localtime(timezone.now(), BEIJING).replace(
            hour=12, minute=0, second=0, microsecond=250_000)

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

        def set(self, moment):
            self.now = moment

    state = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: state.now):
        yield state
