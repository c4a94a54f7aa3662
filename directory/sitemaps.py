from directory.models import Organisation
from lifevalley.sitemaps import PublishedSitemap


class OrganisationSitemap(PublishedSitemap):
    model = Organisation
    priority = 0.6
