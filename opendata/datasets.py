"""The open datasets as rows: one definition of the columns, written as CSV and as JSON.

Rows come from the QuerySets the pages use (``published()``, ``for_cards()``/``for_calendar()``),
so a dataset holds what the site shows and never names a related object that is not public.
Texts carry both languages side by side (``name_en``, ``name_zh_hans``): one file serves both.
"""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation

from directory.csv_io import protect_cell
from directory.models import Organisation
from events.models import Event
from lifevalley.structured_data import absolute

CHUNK = 2000
LIST_SEPARATOR = ";"


def _both(obj, field):
    return {f"{field}_en": getattr(obj, f"{field}_en") or "",
            f"{field}_zh_hans": getattr(obj, f"{field}_zh_hans") or ""}


def _page_url(obj):
    with translation.override("en"):
        return absolute(obj.get_absolute_url())


def organisation_row(organisation):
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        **_both(organisation, "name"),
        "kind": organisation.kind,
        **_both(organisation, "summary"),
        "sectors": [sector.slug for sector in organisation.sectors.all()],
        "zone": organisation.zone.slug if organisation.zone else "",
        "website": organisation.website,
        "founded_year": organisation.founded_year,
        **_both(organisation, "address"),
        "email": organisation.email,
        "phone": organisation.phone,
        "is_unicorn": organisation.is_unicorn,
        "is_listed": organisation.is_listed,
        "stock_exchange": organisation.stock_exchange,
        "stock_ticker": organisation.stock_ticker,
        "has_production_plant": organisation.has_production_plant,
        "hospital_beds": organisation.hospital_beds,
        "url": _page_url(organisation),
        "updated_at": organisation.updated_at,
    }


def event_row(event):
    with translation.override("en"):
        ics_url = absolute(reverse("events:ics", kwargs={"slug": event.slug}))
    return {
        "uid": event.uid,
        "id": event.pk,
        "slug": event.slug,
        **_both(event, "title"),
        **_both(event, "summary"),
        "status": event.status,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "is_all_day": event.is_all_day,
        "date_precision": event.date_precision,
        "recurrence_rule": event.recurrence_rule,
        "category": event.category.slug if event.category else "",
        "venue": event.venue.name if event.venue else "",
        "venue_address": event.venue.address if event.venue else "",
        "zone": event.zone.slug if event.zone else "",
        "organisers": [organiser.slug for organiser in event.organisers_shown],
        "registration_url": event.registration_url,
        "url": _page_url(event),
        "ics_url": ics_url,
        "updated_at": event.updated_at,
    }


def directory_rows(now):
    organisations = Organisation.objects.published(now).for_detail(now).order_by("name_en", "pk")
    return (organisation_row(o) for o in organisations.iterator(chunk_size=CHUNK))


def event_rows(now):
    events = Event.objects.published(now).for_calendar(now).order_by("starts_at", "pk")
    return (event_row(event) for event in events.iterator(chunk_size=CHUNK))


ROWS = {"directory": directory_rows, "events": event_rows}


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return protect_cell(str(value))  # a text that looks like a formula stays text


def to_csv(rows):
    """UTF-8 with a BOM (spreadsheets then read Chinese correctly), a header, one row each."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    for number, row in enumerate(rows):
        if number == 0:
            writer.writerow(row.keys())
        writer.writerow([csv_cell(value) for value in row.values()])
    return output.getvalue().encode("utf-8")


def to_json(rows, *, about):
    """``{"about": {...licence, date...}, "records": [...]}``, compact UTF-8."""
    document = {"about": about, "records": list(rows)}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
