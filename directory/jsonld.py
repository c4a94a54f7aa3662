"""Schema.org ``Organization`` data for an organisation page, as JSON-LD."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from directory.models import Organisation

SCHEMA_TYPES = {
    Organisation.Kind.ENTERPRISE: "Corporation",
    Organisation.Kind.RESEARCH_INSTITUTION: "ResearchOrganization",
    Organisation.Kind.UNIVERSITY: "CollegeOrUniversity",
    Organisation.Kind.HOSPITAL: "Hospital",
    Organisation.Kind.PUBLIC_BODY: "GovernmentOrganization",
    Organisation.Kind.SERVICE_PROVIDER: "Organization",
}

# Inside <script> only "<", ">" and "&" could end the element or start a comment; JSON lets
# us write them as \u escapes, so no text an editor types can break out of the tag.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def organisation_data(organisation, zone, request):
    """The schema.org dictionary; ``zone`` is the organisation's zone if it is public."""
    page_url = request.build_absolute_uri(organisation.get_absolute_url())
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
    if organisation.logo:
        data["logo"] = request.build_absolute_uri(organisation.logo.url)
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
            "url": request.build_absolute_uri(zone.get_absolute_url()),
        }
    return data


def organisation_json_ld(organisation, zone, request):
    """The data as JSON that is safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(
        organisation_data(organisation, zone, request), cls=DjangoJSONEncoder, ensure_ascii=False
    )
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # noqa: S308 - escaped just above
