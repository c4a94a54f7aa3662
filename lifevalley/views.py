from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from directory.models import Organisation
from events.models import Event
from lifevalley.models import KeyFigure
from zones.models import Zone


class HomeView(TemplateView):
    template_name = "lifevalley/home.html"
    featured_limit = 6

    def get_context_data(self, **kwargs):
        now = timezone.now()
        context = super().get_context_data(**kwargs)
        context["figures"] = list(KeyFigure.objects.published(now))
        context["zones"] = list(Zone.objects.published(now).for_cards())
        context["featured_organisations"] = list(
            Organisation.objects.published(now).featured().for_cards()[: self.featured_limit]
        )
        context.update(upcoming_events_context(now))
        return context


def upcoming_events_context(now, limit=4):
    """The next few published events for the home page (one query)."""
    events = Event.objects.published(now).upcoming(now).for_cards()[:limit]
    return {"upcoming_events": list(events)}


class PublishedDetailView(DetailView):
    """A detail page of published objects; staff who may view the model also preview drafts."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.can_preview():
            return queryset
        return queryset.published()

    def can_preview(self):
        user = self.request.user
        opts = self.model._meta
        return user.is_active and user.is_staff and user.has_perm(
            f"{opts.app_label}.view_{opts.model_name}"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_public()
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /zh-hans/admin/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
