"""Schema.org ``Organization`` data for an organisation page, as JSON-LD."""

from directory.models import Organisation
from lifevalley.images import largest_rendition_url
from lifevalley.structured_data import absolute

SCHEMA_TYPES = {
    Organisation.Kind.ENTERPRISE: "Corporation",
    Organisation.Kind.RESEARCH_INSTITUTION: "ResearchOrganization",
    Organisation.Kind.UNIVERSITY: "CollegeOrUniversity",
    Organisation.Kind.HOSPITAL: "Hospital",
    Organisation.Kind.PUBLIC_BODY: "GovernmentOrganization",
    Organisation.Kind.SERVICE_PROVIDER: "Organization",
}

def organisation_data(organisation, zone, request):
    """The schema.org dictionary; ``zone`` is the organisation's zone if it is public.

    Every URL is on ``SITE_URL``, whatever host the request came to (``request`` is unused).
    """
    page_url = absolute(organisation.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(organisation.kind, "Organization"),
        "@id": page_url,
        "name": organisation.name,
        "url": organisation.website or page_url,
        "mainEntityOfPage": page_url,
    }
    if organisation.summary:
        data["description"] = organisation.summary
    logo = largest_rendition_url(organisation.logo, organisation.logo_width)
    if logo:
        data["logo"] = absolute(logo)
    if organisation.founded_year:
        data["foundingDate"] = str(organisation.founded_year)
    if organisation.email:
        data["email"] = organisation.email
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.address:
        data["address"] = {"@type": "PostalAddress", "streetAddress": organisation.address}
    if organisation.stock_ticker and data["@type"] == "Corporation":
        data["tickerSymbol"] = f"{organisation.stock_exchange} {organisation.stock_ticker}"
    sectors = [sector.name for sector in organisation.sectors.all()]
    if sectors:
        data["knowsAbout"] = sectors
    if zone:
        data["location"] = {
            "@type": "Place",
            "name": zone.name,
            "url": absolute(zone.get_absolute_url()),
        }
    return data
