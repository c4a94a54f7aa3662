from collections import Counter

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from directory.models import Organisation
from events.models import Event
from lifevalley.listing import ListingMixin
from lifevalley.models import KeyFigure, ParkProfile
from lifevalley.search import clean_query, name_vocabulary, suggest_spelling
from lifevalley.structured_data import park_organization
from portal.forms import SearchForm
from portal.search_sections import SECTIONS
from zones.models import Zone


class HomeView(TemplateView):
    template_name = "lifevalley/home.html"
    featured_limit = 6

    def get_context_data(self, **kwargs):
        now = timezone.now()
        context = super().get_context_data(**kwargs)
        figures = list(KeyFigure.objects.published(now))
        context["figures"] = figures
        context["figures_provenance"] = shared_provenance(figures)
        context["zones"] = list(Zone.objects.published(now).for_cards(now))
        context["featured_organisations"] = list(
            Organisation.objects.published(now).featured().for_cards(now)[: self.featured_limit]
        )
        context.update(upcoming_events_context(now))
        context["structured_data"] = park_organization(ParkProfile.current())
        return context


def shared_provenance(figures):
    """The date and source most key figures share, for the page to say once under them.

    Each figure whose date or source differs gets ``own_provenance = True`` and says its own.
    """
    counts = Counter((figure.as_of, figure.source, figure.source_url) for figure in figures)
    if not counts:
        return None
    common = counts.most_common(1)[0][0]
    for figure in figures:
        figure.own_provenance = (figure.as_of, figure.source, figure.source_url) != common
    as_of, source, source_url = common
    return {"as_of": as_of, "source": source, "source_url": source_url}


def upcoming_events_context(now, limit=4):
    """The next few published events for the home page (one query)."""
    events = Event.objects.published(now).upcoming(now).for_cards(now)[:limit]
    return {"upcoming_events": list(events)}


VOCABULARY_CACHE_KEY = "lifevalley:search-vocabulary"


class SearchView(ListingMixin, View):
    """One search over zones, projects, organisations and events, grouped by kind.

    Without ``kind`` each section shows its best few results and a link to all of them;
    with ``kind`` one section is paginated (lifevalley/listing.py: an unknown kind is a 400,
    a bad page a 404).
    """

    template_name = "lifevalley/search.html"
    preview_size = 5
    paginate_by = 20
    sections = {section.key: section for section in SECTIONS}

    def get(self, request):
        form = SearchForm(request.GET)
        query = clean_query(request.GET.get("q", ""))
        context = {"filter": form, "query": query, "sections": list(self.sections.values())}
        self.check_filter(form, context)
        if not query:
            return render(request, self.template_name, context)
        now = timezone.now()
        kind = context["kind"] = form.cleaned_data["kind"]
        results = self.search(query, kind, now, context)
        if not any(group["count"] for group in results):
            suggestion = self.suggest(query)
            if suggestion:
                context["corrected_from"], query = query, suggestion
                results = self.search(query, kind, now, context)
        context.update(query=query, results=results)
        context["total"] = sum(group["count"] for group in results)
        return render(request, self.template_name, context)

    def search(self, query, kind, now, context):
        if kind:
            section = self.sections[kind]
            page = self.paginate(section.results(query, now), context)
            return [
                {
                    "section": section,
                    "count": page.paginator.count,
                    "items": list(page),
                    "page_obj": page,
                    "page_range": context["page_range"],
                }
            ]
        groups = []
        for section in self.sections.values():
            found = section.results(query, now)
            items = list(found[: self.preview_size])
            groups.append({"section": section, "count": found.count(), "items": items})
        return groups

    def suggest(self, query):
        return suggest_spelling(query, cache.get_or_set(VOCABULARY_CACHE_KEY, self.vocabulary, 300))

    def vocabulary(self):
        """Words of every published name; read once per cache period, not per missed search."""
        now = timezone.now()
        words = set()
        for section in self.sections.values():
            words |= name_vocabulary(section.model.objects.published(now))
        return words
