from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from api import views as api_views
from lifevalley import views
from lifevalley.observability import metrics_view
from portal import views as portal_views
from portal.sitemaps import SITEMAPS, sitemap_index

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Prometheus scrapes the app servers directly; the proxy does not publish it.
    path("metrics", metrics_view, name="metrics"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", portal_views.HomeView.as_view(), name="home"),
    path("search/", portal_views.SearchView.as_view(), name="search"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="lifevalley/accessibility.html"),
        name="accessibility",
    ),
    path("zones/", include("zones.urls")),
    path("directory/", include("directory.urls")),
    path("events/", include("events.urls")),
    path("shortlist/", include("shortlist.urls")),
    path("api/v1/", include("api.urls")),
    path("developers/", api_views.developers, name="developers"),
    path("data/", include("opendata.urls")),
    path("join/", include("enquiries.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
