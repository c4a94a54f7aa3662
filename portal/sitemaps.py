"""The sitemap registry: every app's section, both languages, with alternates.

The index view puts its section addresses on ``SITE_URL`` too (Django's takes the request's host).
"""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse

from directory.sitemaps import OrganisationSitemap
from events.sitemaps import EventSitemap
from lifevalley.sitemaps import LocalizedSitemap
from zones.sitemaps import ZoneSitemap


class StaticPagesSitemap(LocalizedSitemap):
    changefreq = "daily"
    url_names = ["home", "zones:list", "directory:list", "events:list", "accessibility"]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "zones": ZoneSitemap,
    "organisations": OrganisationSitemap,
    "events": EventSitemap,
}


SITEMAP_URL_NAME = "django.contrib.sitemaps.views.sitemap"


def sitemap_index(request, sitemaps):
    """Django's index view, with each section's address on ``SITE_URL``."""
    response = sitemap_views.index(request, sitemaps, sitemap_url_name=SITEMAP_URL_NAME)
    request_base = f"{request.scheme}://{request.get_host()}"
    for item in response.context_data["sitemaps"]:
        item.location = settings.SITE_URL + item.location.removeprefix(request_base)
    return response
