"""The sitemap registry: every app adds its public objects; both languages, with alternates.

Every URL in the index and the sitemaps is on ``SITE_URL``, never on the request's host: Django's
views take scheme and host from the request, so the sections say their own, and the index view
puts its section addresses on it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse
from django.utils import timezone


class LocalizedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # URLs per sitemap page, counting each language; the index lists the pages

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PublishedSitemap(LocalizedSitemap):
    """Published objects inside their publication window, newest change as lastmod."""

    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published(timezone.now()).order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class StaticPagesSitemap(LocalizedSitemap):
    changefreq = "daily"
    url_names = ["home", "zones:list", "directory:list", "events:list", "accessibility"]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


def sitemaps():
    from directory.sitemaps import OrganisationSitemap
    from events.sitemaps import EventSitemap
    from zones.sitemaps import ZoneSitemap

    return {
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
