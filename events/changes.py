"""What changed about an event, in words: one sentence per recorded change of time, place or status.

Pure functions over ``EventChange`` rows (see ``Event.save``), in the active language; the event
page, the iCal DESCRIPTION and the Atom entry all say it the same way.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.models import Event, EventChange
from lifevalley.timezones import BEIJING

TIME_FIELDS = ("starts_at", "ends_at", "is_all_day", "date_precision")
# The feed and the Atom entry carry the latest few; the event page shows them all.
FEED_CHANGES = 3


def _moment(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return timezone.localtime(value, BEIJING)


def _time_sentence(before, after, all_day):
    """"Moved from 14:00 to 15:00 on 3 December 2026", or with both dates when the day moved
    (dates only for an all-day event)."""
    old = _moment(before.get("starts_at") or after.get("starts_at"))
    new = _moment(after.get("starts_at") or before.get("starts_at"))
    moment_format = "LONG_DATE_FORMAT" if all_day else "LONG_DATETIME_FORMAT"
    if "starts_at" not in before:  # only the end (or the kind of date) changed
        if "ends_at" not in before:
            return _("The dates were changed.")
        end = _moment(after["ends_at"])
        if all_day:
            return _("Now ends on %(date)s.") % {"date": date_format(end, "LONG_DATE_FORMAT")}
        return _("Now ends at %(time)s on %(date)s.") % {
            "time": date_format(end, "H:i"), "date": date_format(end, "LONG_DATE_FORMAT"),
        }
    if old.date() == new.date() and not all_day:
        return _("Moved from %(old)s to %(new)s on %(date)s.") % {
            "old": date_format(old, "H:i"), "new": date_format(new, "H:i"),
            "date": date_format(new, "LONG_DATE_FORMAT"),
        }
    return _("Moved from %(old)s to %(new)s.") % {
        "old": date_format(old, moment_format), "new": date_format(new, moment_format),
    }


def _venue_name(names):
    if not names:
        return None
    return names.get(get_language()) or names.get("en")


def _venue_sentence(before, after):
    old, new = _venue_name(before["venue"]), _venue_name(after["venue"])
    if old and new:
        return _("Venue changed from %(old)s to %(new)s.") % {"old": old, "new": new}
    if new:
        return _("Venue set: %(new)s.") % {"new": new}
    return _("The venue %(old)s no longer applies.") % {"old": old}


def _status_sentence(after, reason):
    status = after["status"]
    if status == Event.Status.CANCELLED:
        return _("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled.")
    if status == Event.Status.POSTPONED:
        return _("Postponed: %(reason)s") % {"reason": reason} if reason else _("Postponed.")
    return _("Taking place again as scheduled.")


def change_lines(change):
    """The sentences of one change, reason included once (after the status, or at the end)."""
    before, after = change.before, change.after
    reason = " ".join((change.reason or "").split())
    lines = []
    if any(name in before for name in TIME_FIELDS):
        all_day = after.get("is_all_day", change.event.is_all_day)
        lines.append(_time_sentence(before, after, all_day))
    if "venue" in before:
        lines.append(_venue_sentence(before, after))
    if "recurrence_rule" in before or "exception_dates" in before:
        lines.append(_("The dates of the series were changed."))
    if "status" in before:
        lines.append(_status_sentence(after, reason))
        reason = "" if after["status"] != Event.Status.SCHEDULED else reason
    if reason:
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
    return lines


def change_text(change):
    return " ".join(change_lines(change))


def recent_change_texts(event, limit=FEED_CHANGES):
    """The latest changes of ``event`` (prefetched by ``EventQuerySet.with_changes``) in words."""
    return [change_text(change) for change in getattr(event, "recent_changes", [])[:limit]]


def latest_change_at():
    """The moment of an event's latest recorded change (a subquery for ``annotate``)."""
    latest = EventChange.objects.filter(event=OuterRef("pk")).order_by("-changed_at")
    return Subquery(latest.values("changed_at")[:1])
