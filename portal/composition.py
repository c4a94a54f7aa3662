"""The blocks a page shows from apps that depend on the page's own app.

A zone page lists the zone's organisations and upcoming events, an organisation page its
upcoming events; zones may import neither directory nor events, and directory may not import
events (apps depend one way: lifevalley <- zones <- directory <- events). So those views carry
``page_blocks``, and this top layer, which may import every app, fills them once at start-up.
"""

from directory.views import OrganisationDetailView, zone_organisations_context
from events.views import organisation_events_context, zone_events_context
from zones.views import ZoneDetailView


def add_page_blocks():
    ZoneDetailView.page_blocks = (zone_organisations_context, zone_events_context)
    OrganisationDetailView.page_blocks = (organisation_events_context,)
