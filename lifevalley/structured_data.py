"""schema.org descriptions of pages, as dictionaries the ``json_ld`` tag renders."""

from django.conf import settings
from django.templatetags.static import static

from lifevalley.images import largest_rendition_url


def absolute(path):
    """``path`` on the public site; a URL that is already absolute (object storage) stays."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL + path


def image_url(file, width):
    path = largest_rendition_url(file, width)
    return absolute(path) if path else None


def park_organization(profile):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": profile.name,
        "alternateName": profile.short_name,
        "url": absolute("/"),
        "logo": absolute(static("img/og-default.png")),
        "description": profile.tagline,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": profile.address,
            "addressLocality": "Changping",
            "addressRegion": "Beijing",
            "addressCountry": "CN",
        },
    }
    if profile.email:
        data["email"] = profile.email
    if profile.phone:
        data["telephone"] = profile.phone
    if profile.website:
        data["sameAs"] = [profile.website]
    return data


def zone_place(zone, profile):
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": zone.name,
        "description": zone.tagline or zone.description,
        "url": absolute(zone.get_absolute_url()),
        "containedInPlace": {"@type": "Place", "name": profile.name},
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Changping",
            "addressRegion": "Beijing",
            "addressCountry": "CN",
        },
    }
    image = image_url(zone.image, zone.image_width)
    if image:
        data["image"] = image
    return data
