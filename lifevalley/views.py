
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView


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


HEALTH_PROBE_TIMEOUT_MS = 1000


@require_safe
@never_cache
def healthz(request):
    """200 "ok" when the database answers, within about a second whatever it does (the
    probe has its own statement timeout; a table lock cannot block ``SELECT 1``)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [HEALTH_PROBE_TIMEOUT_MS])
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
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
