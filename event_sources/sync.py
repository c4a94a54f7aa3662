"""Import and update one source's events by their UID at the source.

New UIDs become events (drafts unless the source publishes directly), known ones are updated
unless staff edited the event since the import last wrote it (or left alone when nothing
changed), a cancelled one is marked cancelled, and one that left the source is marked
cancelled too, so calendars remove it. A changed single date of a series (RECURRENCE-ID) is
skipped by the series and becomes an event of its own, kept up to date like the others.
Text from outside is cleaned as staff text is (control characters stripped, lengths bounded)
and every event is validated by the model's own ``full_clean`` before it is saved.
"""

import contextlib
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
    """Apply the VEVENTs of ``calendar``: each series or one-off event by its UID, and each
    changed single date of a series (a VEVENT with a RECURRENCE-ID) as calendar apps show it:
    the series skips the original date and the changed date becomes an event of its own, known
    by the UID and the original start. A cancelled date is only skipped, unless it had been
    changed before (its own event is then cancelled)."""
    components = calendar.walk("VEVENT")[:MAX_EVENTS_PER_SOURCE]
    masters, overrides = {}, {}
    for component in components:
        uid = str(component.get("UID", "")).strip()[:500]
        if not uid:
            run.rejected += 1
            _note(run, "", _("An event without a UID cannot be kept up to date."))
        elif "RECURRENCE-ID" in component:
            try:
                recurrence_id = _recurrence_id(component["RECURRENCE-ID"])
            except ValueError as error:
                run.rejected += 1
                _note(run, uid, error)
                continue
            earlier = overrides.get((uid, recurrence_id))
            if earlier is None or _sequence(component) >= _sequence(earlier):
                overrides[uid, recurrence_id] = component
        else:
            masters[uid] = component
    skipped = {}
    for uid, recurrence_id in overrides:
        skipped.setdefault(uid, set()).add(_original_date(recurrence_id))
    known = {(item.source_uid, item.recurrence_id): item for item in
             ImportedEvent.objects.filter(source=source).select_related("event")}
    for uid, component in masters.items():
        _apply_event(source, run, (uid, ""), component, known.get((uid, "")),
                     skipped.get(uid, ()))
    for key, component in overrides.items():
        if _is_cancelled(component) and key not in known:
            continue  # a cancelled date the series skips, and nothing more
        _apply_event(source, run, key, _single_date(component, masters.get(key[0]), key[1]),
                     known.get(key), ())
    present = {(uid, "") for uid in masters} | set(overrides)
    for key, item in known.items():
        if key not in present and item.event.status != Event.Status.CANCELLED:
            _cancel(item, run, _(REMOVED))


def _recurrence_id(value):
    """A RECURRENCE-ID as the import keys it: the original start in Beijing time, ISO."""
    if isinstance(value, list) or not hasattr(value, "dt"):
        raise ValueError(_("A changed date must name one original start."))
    if str(value.params.get("RANGE", "")).upper() == "THISANDFUTURE":
        raise ValueError(_("A change of a series from one date on (RANGE=THISANDFUTURE) is not "
                           "imported; the series keeps its rule."))
    original = value.dt
    if isinstance(original, datetime.datetime):
        return _local(original).isoformat()
    if isinstance(original, datetime.date):
        return original.isoformat()
    raise ValueError(_("A changed date must name one original start."))


def _original_date(recurrence_id):
    """The Beijing date a series skips for a changed date (its original start)."""
    return datetime.date.fromisoformat(recurrence_id[:10])


def _sequence(component):
    try:
        return int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _is_cancelled(component):
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


# What a changed date takes from its series when it does not say it again.
SERIES_DEFAULTS = ("SUMMARY", "DESCRIPTION", "LOCATION", "URL")


def _single_date(component, master, recurrence_id):
    """The changed date ``component`` as a one-off VEVENT: no rule of its own, what it leaves
    out taken from its series ``master`` (if the source has it), and its original start as its
    start when it names none."""
    for name in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"):
        component.pop(name, None)
    if master is not None:
        for name in SERIES_DEFAULTS:
            if name not in component and name in master:
                component[name] = master[name]
    if "DTSTART" not in component:
        if len(recurrence_id) == len("YYYY-MM-DD"):  # an all-day series
            component.add("dtstart", datetime.date.fromisoformat(recurrence_id))
        else:
            component.add("dtstart", datetime.datetime.fromisoformat(recurrence_id))
    if ("DTEND" not in component and "DURATION" not in component and master is not None
            and "DTSTART" in master and "DTEND" in master):
        with contextlib.suppress(TypeError):
            component.add("duration", master["DTEND"].dt - master["DTSTART"].dt)
    return component


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


# The fields an import writes: when none changed, the event is left as it is (no new
# updated_at, so its VEVENT, the feed's bytes and its Last-Modified stay the same).
WRITTEN_FIELDS = (
    "title", "description", "starts_at", "ends_at", "is_all_day", "recurrence_rule",
    "exception_dates", "status", "registration_url", "venue_id",
)


def _apply_event(source, run, key, component, item, skipped):
    uid, recurrence_id = key
    label = f"{uid} ({recurrence_id})" if recurrence_id else uid
    try:
        values = _values(source, component, skipped)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        run.rejected += 1
        _note(run, label, error)
        return
    location = values.pop("location")
    if item is not None and item.event.updated_at > item.written_at:
        _note(run, label, _("Edited by staff since the last import: left as it is."))
        return
    event = item.event if item else Event(
        slug=_free_slug(values["title"], label), category=source.category, zone=source.zone,
        is_published=source.publish_directly,
    )
    before = {name: getattr(event, name) for name in WRITTEN_FIELDS} if item else None
    was_cancelled = item is not None and event.status == Event.Status.CANCELLED
    for name, value in values.items():
        setattr(event, name, value)
    if not event.registration_url.startswith(("http://", "https://")):
        event.registration_url = ""
    event.venue = Venue.objects.get_or_create(name=location)[0] if location else None
    try:
        with transaction.atomic():
            event.full_clean(exclude=["slug"] if item else None)
            event.normalise_dates()
            if before == {name: getattr(event, name) for name in WRITTEN_FIELDS}:
                return  # unchanged at the source
            event.save()
            if source.organisation_id and item is None:
                event.organisers.add(source.organisation_id)
            written = Event.objects.filter(pk=event.pk).values_list("updated_at", flat=True)[0]
            ImportedEvent.objects.update_or_create(
                source=source, source_uid=uid, recurrence_id=recurrence_id,
                defaults={"event": event, "written_at": written},
            )
    except ValidationError as error:
        run.rejected += 1
        _note(run, label, "; ".join(error.messages))
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
    _note(run, str(item), reason)


def _free_slug(title, identity):
    digest = hashlib.sha256(identity.encode()).hexdigest()[:8]
    base = (slugify(title)[:200] or "event") + "-" + digest
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
