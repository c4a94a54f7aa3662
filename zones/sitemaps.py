from lifevalley.sitemaps import PublishedSitemap
from zones.models import Zone


class ZoneSitemap(PublishedSitemap):
    model = Zone
    priority = 0.8
