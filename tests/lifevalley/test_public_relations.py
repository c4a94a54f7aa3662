"""A related object that is not public is never shown through a public one, on any surface.

Each case makes public objects whose related zone, organiser, parent or satellite event,
project, organisation or event is a draft, scheduled (``publish_from`` ahead) or expired
(``publish_until`` past), with a distinctive name in both languages and slug, then walks
every public surface (pages in both languages with their JSON-LD, the event list and month
grid, the iCal feed and each event's .ics property by property, Atom, the site search and the
list searches, the sitemaps) and finds neither name nor slug. With the related object
published, the same name shows where it belongs, so the walk can fail.

Venues, event categories, sectors and speakers have no publication state: they are public by
definition, and nothing here can hide them.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from events.models import Event
from lifevalley.timezones import BEIJING
from zones.models import Zone

pytestmark = pytest.mark.django_db

ZH = "/zh-hans"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

NOT_PUBLIC = ["draft", "scheduled", "expired"]
# Searches look for one word of the names: a page repeats the query, never a whole name.
HIDDEN_WORD = "Hidden"


@dataclass
class Related:
    """The related object of one state: its names in both languages, slug and state fields."""

    state: str

    @property
    def name(self):
        return f"Hidden {self.state.title()} Name"

    @property
    def name_zh_hans(self):
        return f"隐藏的{self.state}名称"

    @property
    def slug(self):
        return f"hidden-{self.state}-slug"

    @property
    def markers(self):
        return [self.name, self.name_zh_hans, self.slug]

    def publication(self):
        now = timezone.now()
        return {
            "published": {"is_published": True},
            "draft": {"is_published": False},
            "scheduled": {"is_published": True, "publish_from": now + datetime.timedelta(days=2)},
            "expired": {"is_published": True, "publish_until": now - datetime.timedelta(days=2)},
        }[self.state]

    def fields(self, name="name"):
        """Create-fields of the related object; ``name="title"`` for an event."""
        return {
            name: self.name, f"{name}_zh_hans": self.name_zh_hans, "slug": self.slug,
        } | self.publication()

    def visible(self, name):
        """A unique name for a public object beside it."""
        return f"{name} {self.state.title()}"


@dataclass
class Case:
    """Where the related object must show once it is public (English paths; the walk adds
    the Chinese ones), and what to search for."""

    shown_on: list
    terms: list


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.dumps([json.loads(block) for block in blocks], ensure_ascii=False)


def ical_surfaces(path, content):
    """The whole unfolded calendar, and each VEVENT property (with its parameters) apart."""
    surfaces = {path: re.sub(rb"\r\n[ \t]", b"", content).decode()}
    for vevent in icalendar.Calendar.from_ical(content).walk("VEVENT"):
        for name, value in vevent.property_items(recursive=False):
            if name in {"BEGIN", "END"}:
                continue
            text = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
            params = getattr(value, "params", {})
            text += "".join(f" {key}={param}" for key, param in params.items())
            key = f"{path} {name}"
            surfaces[key] = surfaces.get(key, "") + text + "\n"
    return surfaces


def public_paths(terms):
    """Every public page, feed and search of what the database holds now (English paths)."""
    now = timezone.now()
    paths = {
        "/", "/zones/", "/directory/", "/events/", "/events/past/", "/events/feed.ics",
        "/events/feed.atom",
    }
    paths |= {zone.get_absolute_url() for zone in Zone.objects.published(now)}
    paths |= {o.get_absolute_url() for o in Organisation.objects.published(now)}
    for event in Event.objects.published(now):
        start = timezone.localtime(event.starts_at, BEIJING)
        paths |= {
            event.get_absolute_url(),
            reverse("events:ics", kwargs={"slug": event.slug}),
            reverse("events:month", args=[start.year, start.month]),
        }
    for term in terms:
        query = urlencode({"q": term})
        paths |= {f"/search/?{query}", f"/events/?{query}", f"/directory/?{query}"}
    return sorted(paths)


def walk(client, terms):
    """{surface: text} of every public surface, in both languages; each must answer 200."""
    surfaces = {}
    for path in public_paths(terms):
        for url in (path, ZH + path):
            response = client.get(url)
            assert response.status_code == 200, url
            content = response.content
            if ".ics" in path:
                surfaces |= ical_surfaces(url, content)
                continue
            # Search results highlight the matched words: <mark>Related</mark>.
            surfaces[url] = re.sub(r"</?mark>", "", content.decode())
            if response["Content-Type"].startswith("text/html"):
                surfaces[f"{url} JSON-LD"] = json_ld(surfaces[url])
    index = client.get("/sitemap.xml")
    surfaces["/sitemap.xml"] = index.content.decode()
    for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", SITEMAP):
        section = client.get(urlsplit(loc.text).path)
        assert section.status_code == 200, loc.text
        surfaces[urlsplit(loc.text).path] = section.content.decode()
    return surfaces


# One builder per kind of relation: it makes the related object ``rel`` and the public
# objects around it, and says where ``rel`` shows once it is public.

def event_zone(f, rel):
    zone = f.make_zone(**rel.fields())
    organiser = f.make_organisation(name=rel.visible("Organiser Alpha"))
    event = f.make_event(title=rel.visible("Visible Event Alpha"), zone=zone,
                         organisers=[organiser])
    page, ics = event.get_absolute_url(), reverse("events:ics", kwargs={"slug": event.slug})
    return Case(
        shown_on=[
            page, f"{page} JSON-LD", "/events/", "/", organiser.get_absolute_url(),
            "/events/feed.ics LOCATION", f"{ics} LOCATION",
        ],
        terms=[event.title, HIDDEN_WORD],
    )


def organisation_zone(f, rel):
    zone = f.make_zone(**rel.fields())
    organisation = f.make_organisation(name=rel.visible("Visible Organisation Beta"),
                                       zone=zone, is_featured=True)
    page = organisation.get_absolute_url()
    search = "/search/?" + urlencode({"q": organisation.name})
    return Case(
        shown_on=[page, f"{page} JSON-LD", "/directory/", "/", search],
        terms=[organisation.name, HIDDEN_WORD],
    )


def project_zone(f, rel):
    zone = f.make_zone(**rel.fields())
    project = f.make_project(name=rel.visible("Visible Project Gamma"), zone=zone)
    search = "/search/?" + urlencode({"q": project.name})
    return Case(shown_on=[search], terms=[project.name, HIDDEN_WORD])


def event_organiser(f, rel):
    organiser = f.make_organisation(**rel.fields())
    event = f.make_event(title=rel.visible("Visible Event Delta"), organisers=[organiser])
    page, ics = event.get_absolute_url(), reverse("events:ics", kwargs={"slug": event.slug})
    return Case(
        shown_on=[
            page, f"{page} JSON-LD", "/events/",
            "/events/feed.ics ORGANIZER", "/events/feed.ics DESCRIPTION",
            f"{ics} ORGANIZER", f"{ics} DESCRIPTION",
        ],
        terms=[event.title, HIDDEN_WORD],
    )


def event_parent(f, rel):
    parent = f.make_event(**rel.fields("title"))
    satellite = f.make_event(title=rel.visible("Visible Satellite Epsilon"), parent=parent)
    page = satellite.get_absolute_url()
    return Case(shown_on=[page, f"{page} JSON-LD"], terms=[satellite.title])


def event_satellite(f, rel):
    parent = f.make_event(title=rel.visible("Visible Forum Zeta"))
    f.make_event(parent=parent, **rel.fields("title"))
    return Case(shown_on=[parent.get_absolute_url()], terms=[parent.title])


def zone_project(f, rel):
    zone = f.make_zone(name=rel.visible("Visible Zone Eta"))
    f.make_project(zone=zone, **rel.fields())
    search = "/search/?" + urlencode({"q": HIDDEN_WORD})
    return Case(shown_on=[zone.get_absolute_url(), search], terms=[HIDDEN_WORD])


def zone_organisation(f, rel):
    zone = f.make_zone(name=rel.visible("Visible Zone Theta"))
    f.make_organisation(zone=zone, **rel.fields())
    return Case(shown_on=[zone.get_absolute_url()], terms=[HIDDEN_WORD])


def organisation_event(f, rel):
    zone = f.make_zone(name=rel.visible("Visible Zone Iota"))
    organiser = f.make_organisation(name=rel.visible("Visible Organisation Iota"))
    f.make_event(zone=zone, organisers=[organiser], **rel.fields("title"))
    return Case(
        shown_on=[organiser.get_absolute_url(), zone.get_absolute_url()], terms=[HIDDEN_WORD]
    )


def related_organisation(f, rel):
    sector = f.make_sector(name=rel.visible("Shared Sector Kappa"))
    organisation = f.make_organisation(name=rel.visible("Visible Organisation Kappa"),
                                       sectors=[sector])
    f.make_organisation(sectors=[sector], **rel.fields())
    return Case(shown_on=[organisation.get_absolute_url()], terms=[HIDDEN_WORD])


KINDS = [
    event_zone, organisation_zone, project_zone, event_organiser, event_parent,
    event_satellite, zone_project, zone_organisation, organisation_event, related_organisation,
]


@dataclass
class Factories:
    make_zone: object
    make_project: object
    make_organisation: object
    make_sector: object
    make_event: object


@pytest.fixture
def factories(make_zone, make_project, make_organisation, make_sector, make_event, park_profile):
    return Factories(make_zone, make_project, make_organisation, make_sector, make_event)


def showing(surfaces, *texts):
    return {surface for surface, text in surfaces.items() if any(t in text for t in texts)}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_related_object_not_public_is_shown_on_no_public_surface(client, factories, kind):
    """A draft, a scheduled and an expired related object side by side, in one walk."""
    related = [Related(state) for state in NOT_PUBLIC]
    terms = set()
    for rel in related:
        terms |= set(kind(factories, rel).terms)
    surfaces = walk(client, sorted(terms))
    for rel in related:
        assert showing(surfaces, *rel.markers) == set(), rel.state


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_related_object_once_public_shows_through_the_public_one(client, factories, kind):
    rel = Related("published")
    case = kind(factories, rel)
    surfaces = walk(client, case.terms)
    assert set(case.shown_on) <= showing(surfaces, rel.name)
    assert {ZH + path for path in case.shown_on} <= showing(surfaces, rel.name_zh_hans)
