from events.models import Event
from lifevalley.sitemaps import PublishedSitemap


class EventSitemap(PublishedSitemap):
    model = Event
    priority = 0.5
