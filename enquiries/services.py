"""What happens around an enquiry: the per-address limit and the staff's notification email."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from lifevalley.models import ParkProfile
from lifevalley.structured_data import absolute

logger = logging.getLogger(__name__)


def over_rate_limit(address):
    """Count one attempt from ``address``; True once it made more than the hourly limit.

    Counted in the shared cache; if the cache does not answer, the attempt is let through
    (the form's other defences still hold) rather than refusing every company."""
    key = f"enquiries:attempts:{address}"
    try:
        cache.add(key, 0, 3600)
        attempts = cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache failure is not the visitor's
        logger.warning("Enquiry rate limit unavailable: the cache did not answer")
        return False
    return attempts > settings.ENQUIRY_RATE_LIMIT_PER_HOUR


def notification_recipients():
    return settings.ENQUIRY_NOTIFY_EMAILS or [e for e in [ParkProfile.current().email] if e]


def notify_staff(enquiry):
    """Email the staff about a new enquiry, in English; a failed send is logged, not lost."""
    recipients = notification_recipients()
    if not recipients:
        logger.warning("Enquiry %s received; no address to notify", enquiry.pk)
        return
    with translation.override(settings.LANGUAGE_CODE):
        admin_url = absolute(f"/admin/enquiries/enquiry/{enquiry.pk}/change/")
        context = {"enquiry": enquiry, "admin_url": admin_url}
        subject = render_to_string("enquiries/email_subject.txt", context).strip()
        body = render_to_string("enquiries/email_body.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 - SMTP errors of every kind: the enquiry is stored
        logger.exception("Could not email the staff about enquiry %s", enquiry.pk)
