"""The sitemap registry: every app adds its public objects; both languages, with alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone


class LocalizedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    protocol = None  # taken from the request
    limit = 5000  # URLs per sitemap page, counting each language; the index lists the pages


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
