"""The sitemap base classes each app's section builds on (the registry is portal/sitemaps.py).

Every URL in the sitemaps is on ``SITE_URL``, never on the request's host: Django's views take
scheme and host from the request, so the sections say their own.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
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
