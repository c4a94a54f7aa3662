from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from enquiries.forms import EnquiryForm
from enquiries.views import form_context
from space.models import SpaceOffer


# The enquiry form carries a CSRF token: the page is never cached, by anyone.
@method_decorator(never_cache, name="dispatch")
class JoinView(TemplateView):
    """/join/: the space on offer in every zone, and how to reach the park."""

    template_name = "space/join.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["space_offers"] = list(SpaceOffer.objects.published(now).for_cards(now))
        context["show_zone"] = True
        context.update(form_context(EnquiryForm()))
        return context
