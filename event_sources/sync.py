"""Import and update one source's events by their UID at the source.

New UIDs become events (drafts unless the source publishes directly), known ones are updated
unless staff edited the event since the import last wrote it, a cancelled one is marked
cancelled, and one that left the source is marked cancelled too, so calendars remove it.
Text from outside is cleaned as staff text is (control characters stripped, lengths bounded)
and every event is validated by the model's own ``full_clean`` before it is saved.
"""

import datetime
import hashlib

import icalendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from event_sources.fetch import FetchError, fetch_calendar
from event_sources.models import ImportedEvent, SourceRun
from events.ical import clean_text
from events.models import BEIJING, Event, EventChange, Venue

MAX_EVENTS_PER_SOURCE = 2000
REMOVED = gettext_noop("Removed from the organisation’s calendar.")


def sync_source(source):
    """Fetch ``source`` and apply it; returns the saved SourceRun (its report)."""
    run = SourceRun(source=source)
    try:
        data = fetch_calendar(source.url)
        run.fetched_bytes = len(data)
        calendar = icalendar.Calendar.from_ical(data)
    except FetchError as error:
        run.error = str(error)[:500]
    except ValueError as error:
        run.error = (_("The calendar could not be read: %(error)s") % {"error": error})[:500]
    else:
        # Outside text is the English version of the fields (modeltranslation's default).
        with translation.override("en"), transaction.atomic():
            apply_calendar(source, calendar, run)
    run.save()
    return run


def _note(run, uid, reason):
    run.notes.append({"uid": str(uid)[:200], "reason": str(reason)[:300]})


def apply_calendar(source, calendar, run):
    components = calendar.walk("VEVENT")[:MAX_EVENTS_PER_SOURCE]
    masters, cancelled_dates = {}, {}
    for component in components:
        uid = str(component.get("UID", "")).strip()[:500]
        if not uid:
            run.rejected += 1
            _note(run, "", _("An event without a UID cannot be kept up to date."))
        elif "RECURRENCE-ID" in component:
            if str(component.get("STATUS", "")).upper() == "CANCELLED":
                day = _local(component["RECURRENCE-ID"].dt).date()
                cancelled_dates.setdefault(uid, set()).add(day)
            else:
                run.rejected += 1
                _note(run, uid, _("A changed single date of a series is not imported; "
                                  "the series keeps its rule."))
        else:
            masters[uid] = component
    known = {item.source_uid: item for item in
             ImportedEvent.objects.filter(source=source).select_related("event")}
    for uid, component in masters.items():
        _apply_event(source, run, uid, component, known.get(uid), cancelled_dates.get(uid, ()))
    for uid, item in known.items():
        if uid not in masters and item.event.status != Event.Status.CANCELLED:
            _cancel(item, run, _(REMOVED))


def _local(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # floating time: the park's
            value = value.replace(tzinfo=BEIJING)
        return value.astimezone(BEIJING)
    return datetime.datetime.combine(value, datetime.time.min, BEIJING)


def _text(component, name, limit, *, single_line=False):
    return clean_text(str(component.get(name, "")), single_line=single_line)[:limit]


def _values(source, component, skipped):
    """The event's fields from a VEVENT (ValueError when its dates are missing or unusable)."""
    start_value = component.get("DTSTART")
    if start_value is None:
        raise ValueError(_("It has no start."))
    start_raw = start_value.dt
    all_day = not isinstance(start_raw, datetime.datetime)
    start = _local(start_raw)
    if "DTEND" in component:
        end = _local(component["DTEND"].dt)
        if all_day:  # iCal's all-day end is exclusive
            end -= datetime.timedelta(seconds=1)
    elif "DURATION" in component:
        end = start + component["DURATION"].dt
    else:
        end = start + (datetime.timedelta(days=1, seconds=-1) if all_day else datetime.timedelta())
    rule = ""
    if "RRULE" in component:
        rule = component["RRULE"].to_ical().decode()
    exdates = set(skipped)
    for exdate in _as_list(component.get("EXDATE")):
        exdates.update(_local(d.dt).date() for d in exdate.dts)
    status = str(component.get("STATUS", "")).upper()
    return {
        "title": _text(component, "SUMMARY", 250, single_line=True) or _("(untitled)"),
        "description": _text(component, "DESCRIPTION", 20000),
        "starts_at": start,
        "ends_at": max(end, start),
        "is_all_day": all_day,
        "recurrence_rule": rule,
        "exception_dates": "\n".join(sorted(d.isoformat() for d in exdates)) if rule else "",
        "status": Event.Status.CANCELLED if status == "CANCELLED" else (
            Event.Status.POSTPONED if status == "TENTATIVE" else Event.Status.SCHEDULED),
        "registration_url": _text(component, "URL", 200, single_line=True),
        "location": _text(component, "LOCATION", 200, single_line=True),
    }


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _apply_event(source, run, uid, component, item, skipped):
    try:
        values = _values(source, component, skipped)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        run.rejected += 1
        _note(run, uid, error)
        return
    location = values.pop("location")
    if item is not None and item.event.updated_at > item.written_at:
        _note(run, uid, _("Edited by staff since the last import: left as it is."))
        return
    event = item.event if item else Event(
        slug=_free_slug(values["title"], uid), category=source.category, zone=source.zone,
        is_published=source.publish_directly,
    )
    was_cancelled = item is not None and event.status == Event.Status.CANCELLED
    for name, value in values.items():
        setattr(event, name, value)
    if not event.registration_url.startswith(("http://", "https://")):
        event.registration_url = ""
    event.venue = Venue.objects.get_or_create(name=location)[0] if location else None
    try:
        with transaction.atomic():
            event.full_clean(exclude=["slug"] if item else None)
            event.save()
            if source.organisation_id and item is None:
                event.organisers.add(source.organisation_id)
            written = Event.objects.filter(pk=event.pk).values_list("updated_at", flat=True)[0]
            ImportedEvent.objects.update_or_create(
                source=source, source_uid=uid, defaults={"event": event, "written_at": written}
            )
    except ValidationError as error:
        run.rejected += 1
        _note(run, uid, "; ".join(error.messages))
        return
    if item is None:
        run.new += 1
    elif event.status == Event.Status.CANCELLED and not was_cancelled:
        run.cancelled += 1
    else:
        run.updated += 1


def _cancel(item, run, reason):
    event = item.event
    event.status = Event.Status.CANCELLED
    event.save()
    change = EventChange.objects.filter(event=event).first()
    if change is not None and change.after.get("status") == Event.Status.CANCELLED:
        change.reason_en = str(reason)
        with translation.override("zh-hans"):
            change.reason_zh_hans = _(REMOVED)
        change.save()
    written = Event.objects.filter(pk=event.pk).values_list("updated_at", flat=True)[0]
    ImportedEvent.objects.filter(pk=item.pk).update(written_at=written)
    run.cancelled += 1
    _note(run, item.source_uid, reason)


def _free_slug(title, uid):
    digest = hashlib.sha256(uid.encode()).hexdigest()[:8]
    base = (slugify(title)[:200] or "event") + "-" + digest
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
