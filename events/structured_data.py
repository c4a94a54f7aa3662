"""schema.org data for an event page (rendered by the ``json_ld`` tag in base.html)."""

from django.conf import settings
from django.utils import timezone

from events.models import Event
from lifevalley.images import largest_rendition_url
from lifevalley.timezones import BEIJING

SCHEMA_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_structured_data(event, parent=None):
    """schema.org Event data for the page (rendered by the ``json_ld`` tag in base.html)."""
    base = settings.SITE_URL

    def moment(value):
        local = timezone.localtime(value, BEIJING)
        return local.date().isoformat() if event.is_all_day else local.isoformat()

    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": base + event.get_absolute_url(),
        "startDate": moment(event.starts_at),
        "endDate": moment(event.ends_at),
        "eventStatus": SCHEMA_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.summary or event.description:
        data["description"] = event.summary or event.description[:500]
    if event.venue_id:
        data["location"] = {
            "@type": "Place",
            "name": event.venue.name,
            "address": event.venue.address or event.venue.name,
        }
    elif event.zone:  # None when the zone is not public (for_cards)
        data["location"] = {
            "@type": "Place", "name": event.zone.name, "address": "Changping, Beijing"
        }
    image = largest_rendition_url(event.image, event.image_width)
    if image:
        data["image"] = [base + image if image.startswith("/") else image]
    organisers = event.organisers_shown
    if organisers:
        data["organizer"] = [
            {"@type": "Organization", "name": o.name, "url": base + o.get_absolute_url()}
            for o in organisers
        ]
    speakers = list(event.speakers.all())
    if speakers:
        data["performer"] = [
            {"@type": "Person", "name": s.name}
            | ({"affiliation": {"@type": "Organization", "name": s.affiliation}}
               if s.affiliation else {})
            for s in speakers
        ]
    if parent is not None:
        data["superEvent"] = {
            "@type": "Event", "name": parent.title, "url": base + parent.get_absolute_url()
        }
    if event.registration_url and not event.is_cancelled:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    return data
