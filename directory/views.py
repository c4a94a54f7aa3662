from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from directory.filters import OrganisationFilter
from directory.jsonld import organisation_data
from directory.models import Organisation
from lifevalley.listing import ListingMixin
from lifevalley.search import name_vocabulary, suggest_spelling
from lifevalley.views import PublishedDetailView

VOCABULARY_CACHE_KEY = "directory:search-vocabulary"


class OrganisationListView(ListingMixin, View):
    """Filter, count facets, paginate, render (lifevalley/listing.py: a bad filter is a 400,
    a bad page a 404)."""

    template_name = "directory/organisation_list.html"
    paginate_by = 24

    def get(self, request):
        now = timezone.now()
        filterset = self.filterset(request.GET, now)
        context = {"filter": filterset}
        self.check_filter(filterset, context)
        corrected = self.corrected_query(filterset, now)
        if corrected:
            # Like /search/: a query that matches nothing is retried with its spelling fixed.
            context["corrected_from"] = filterset.form.cleaned_data["q"]
            data = request.GET.copy()
            data["q"] = corrected
            filterset = self.filterset(data, now)
            filterset.is_valid()
            context["filter"] = filterset
        context["facets"] = filterset.facets()
        context["active_filters"] = filterset.active_filters()
        page = self.paginate(filterset.qs.for_cards(now), context,
                             count=filterset.result_count)
        context["organisations"] = page.object_list
        return render(request, self.template_name, context)

    @staticmethod
    def filterset(data, now):
        # English names order the list in both languages: sorting the Chinese column
        # would put the names that fall back to English first, unsorted.
        queryset = Organisation.objects.published(now).order_by("name_en")
        return OrganisationFilter(data, queryset=queryset, now=now)

    @staticmethod
    def corrected_query(filterset, now):
        """The query with its spelling fixed when it matches no organisation at all, else None."""
        query = filterset.form.cleaned_data.get("q")
        if not query or filterset.matched_ids != []:
            return None
        vocabulary = cache.get_or_set(
            VOCABULARY_CACHE_KEY,
            lambda: name_vocabulary(Organisation.objects.published(now)),
            300,
        )
        return suggest_spelling(query, vocabulary)


class OrganisationDetailView(PublishedDetailView):
    model = Organisation
    template_name = "directory/organisation_detail.html"
    context_object_name = "organisation"
    related_shown = 6
    # Blocks from the apps that depend on directory (its upcoming events): each is
    # ``block(organisation, now) -> context``, added by portal/composition.py.
    page_blocks = ()

    def get_queryset(self):
        return super().get_queryset().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        organisation = self.object
        zone = organisation.zone  # None unless public (for_detail)
        related = Organisation.objects.published(now).related_to(organisation).for_cards(now)
        context["zone"] = zone
        context["related_organisations"] = list(related[: self.related_shown])
        context["structured_data"] = organisation_data(organisation, zone, self.request)
        for block in self.page_blocks:
            context.update(block(organisation, now))
        return context


ZONE_PAGE_ORGANISATIONS_SHOWN = 12


def zone_organisations_context(zone, now):
    """For the zone page: its first organisations as cards, and how many it has."""
    organisations = Organisation.objects.published(now).in_zone(zone)
    return {
        "organisations": list(organisations.for_cards(now)[:ZONE_PAGE_ORGANISATIONS_SHOWN]),
        "organisation_count": organisations.count(),
    }
