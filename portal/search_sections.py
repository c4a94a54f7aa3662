"""What the site search looks through, one section per kind of page, in display order."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from events.models import Event
from lifevalley.search import MatchedResults
from zones.models import Project, Zone


@dataclass(frozen=True)
class SearchSection:
    key: str
    title: str
    model: type
    template: str

    def results(self, query, now):
        """The matches, ranked: matched once (one query for the ids), rows fetched per slice."""
        published = self.model.objects.published(now)
        return MatchedResults(published.for_cards(now), published.ranked_ids(query))


SECTIONS = [
    SearchSection(
        "organisations", _("Organisations"), Organisation, "lifevalley/search/_organisation.html"
    ),
    SearchSection("events", _("Events"), Event, "lifevalley/search/_event.html"),
    SearchSection("zones", _("Zones"), Zone, "lifevalley/search/_zone.html"),
    SearchSection(
        "projects", _("Development projects"), Project, "lifevalley/search/_project.html"
    ),
]
