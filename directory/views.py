from django.views.generic import ListView

from directory.models import Organisation
from lifevalley.views import PublishedDetailView


class OrganisationListView(ListView):
    """Placeholder list until the directory issue adds filters and facets."""

    template_name = "directory/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 24

    def get_queryset(self):
        return Organisation.objects.published().for_cards()


class OrganisationDetailView(PublishedDetailView):
    model = Organisation
    template_name = "directory/organisation_detail.html"
    context_object_name = "organisation"
