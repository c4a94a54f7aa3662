from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from enquiries.forms import EnquiryForm
from enquiries.services import notify_staff, over_rate_limit
from lifevalley.security import client_ip
from space.models import SpaceOffer


def form_context(form):
    return {"form": form, "retention_days": settings.ENQUIRY_RETENTION_DAYS}


def initial_from(request):
    """``?zone=…`` or ``?project=…``: the page the company came from (as slugs)."""
    return {name: request.GET[name][:200] for name in ("zone", "project") if name in request.GET}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquire(request):
    """The enquiry form: a valid one is stored and the staff are emailed; errors keep input."""
    if request.method != "POST":
        form = EnquiryForm(initial=initial_from(request))
        return render(request, "enquiries/enquiry_form.html", form_context(form))

    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.ENQUIRY_MAX_BYTES:
        context = form_context(EnquiryForm()) | {"too_large": True}
        return render(request, "enquiries/enquiry_form.html", context, status=413)
    form = EnquiryForm(request.POST)
    if over_rate_limit(client_ip(request)):
        form.is_valid()  # errors shown beside what was typed
        form.add_error(None, _("Too many enquiries from your address. Please try again in an "
                               "hour, or write to the park directly."))
        return render(request, "enquiries/enquiry_form.html", form_context(form), status=429)
    if form.is_bot:
        return redirect("enquiries:thanks")  # told nothing, stored nothing
    if not form.is_valid():
        return render(request, "enquiries/enquiry_form.html", form_context(form), status=400)
    with transaction.atomic():
        enquiry = form.save(commit=False)
        enquiry.language = translation.get_language() or ""
        enquiry.save()
        transaction.on_commit(lambda: notify_staff(enquiry))
    return redirect("enquiries:thanks")


@never_cache
def thanks(request):
    return render(request, "enquiries/thanks.html")


# The enquiry form carries a CSRF token: the page is never cached, by anyone.
@method_decorator(never_cache, name="dispatch")
class JoinView(TemplateView):
    """/join/: the space on offer in every zone, the enquiry form, and the park's contact."""

    template_name = "enquiries/join.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["space_offers"] = list(SpaceOffer.objects.published(now).for_cards(now))
        context["show_zone"] = True
        context.update(form_context(EnquiryForm()))
        return context
