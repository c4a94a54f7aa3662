from django.utils import timezone
from django.views.generic import ListView

from lifevalley.models import ParkProfile
from lifevalley.structured_data import zone_place
from lifevalley.views import PublishedDetailView
from zones.models import Project, Zone


class ZoneListView(ListView):
    template_name = "zones/zone_list.html"
    context_object_name = "zones"

    def get_queryset(self):
        now = timezone.now()
        return Zone.objects.published(now).for_cards(now).with_public("projects", now=now)


class ZoneDetailView(PublishedDetailView):
    model = Zone
    template_name = "zones/zone_detail.html"
    context_object_name = "zone"
    # Blocks from the apps that depend on zones (its organisations, its upcoming events): each
    # is ``block(zone, now) -> context``, added by portal/composition.py (zones imports neither).
    page_blocks = ()

    def get_queryset(self):
        return super().get_queryset().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        zone = self.object
        context["projects"] = list(Project.objects.published(now).filter(zone=zone))
        context["structured_data"] = zone_place(zone, ParkProfile.current())
        # Through the reverse relation: the space app depends on zones, not the other way.
        context["space_offers"] = list(zone.space_offers.published(now).for_cards(now))
        for block in self.page_blocks:
            context.update(block(zone, now))
        return context
