from django.utils import timezone
from django.views.generic import TemplateView

from space.models import SpaceOffer


class JoinView(TemplateView):
    """/join/: the space on offer in every zone, and how to reach the park."""

    template_name = "space/join.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["space_offers"] = list(SpaceOffer.objects.published(now).for_cards(now))
        context["show_zone"] = True
        return context
