"""Repeating events as pure functions: an RRULE from the admin's plain choices, those choices
read back from a stored rule, and the dates a rule produces.

Staff never write RFC 5545: they pick "every 2 weeks on Tuesday", "monthly on the first Monday",
an end and dates to skip. A stored rule the choices cannot express is kept as written.
"""

import dataclasses
import datetime

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lifevalley.timezones import BEIJING

# A bounded series may not expand to more occurrences than this (about 20 years of weekly).
MAX_OCCURRENCES = 1000
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # datetime.weekday() order
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)  # first … fourth, last

# What the admin form offers. MONTHLY_WEEKDAY is "monthly on the first Monday".
DAILY, WEEKLY, MONTHLY_DATE, MONTHLY_WEEKDAY, YEARLY = (
    "DAILY", "WEEKLY", "MONTHLY_DATE", "MONTHLY_WEEKDAY", "YEARLY"
)
FORM_PARTS = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"}


def parse_exception_dates(text):
    """The skipped dates of a series, one YYYY-MM-DD per line; ValidationError on bad lines."""
    dates = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            dates.add(datetime.date.fromisoformat(line))
        except ValueError:
            raise ValidationError(
                _("Line %(number)s, “%(line)s”, is not a date in the form YYYY-MM-DD."),
                params={"number": number, "line": line[:40]},
                code="bad_exception_date",
            ) from None
    return sorted(dates)


def normalise_rule(text):
    """The RRULE value without a leading ``RRULE:`` and surrounding blanks, upper-cased."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.strip().upper()


def rule_parts(rule_text):
    """``FREQ=WEEKLY;COUNT=3`` as ``{"FREQ": "WEEKLY", "COUNT": "3"}``."""
    return dict(part.split("=", 1) for part in rule_text.split(";") if "=" in part)


def is_bounded(rule_text):
    """Whether the rule ends (COUNT or UNTIL), read from the rule's own text."""
    parts = rule_parts(rule_text)
    return "COUNT" in parts or "UNTIL" in parts


def build_rule(rule_text, dtstart):
    """A dateutil rrule for ``rule_text`` starting at ``dtstart``; ValueError when invalid."""
    if any(char in rule_text for char in "\r\n") or ":" in rule_text:
        raise ValueError("one RRULE value only")
    parts = rule_parts(rule_text)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValueError("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    if "DTSTART" in parts:
        raise ValueError("DTSTART comes from the event's start")
    return dateutil_rrule.rrulestr(rule_text, dtstart=dtstart)


def rule_dtstart(starts_at, is_all_day):
    """The rule's DTSTART: floating for all-day events (UNTIL is a plain date), else Beijing."""
    local = starts_at.astimezone(BEIJING)
    return local.replace(tzinfo=None) if is_all_day else local


def check_rule(rule_text, dtstart):
    """ValueError (saying why) unless the rule parses and a bounded one stays within
    MAX_OCCURRENCES."""
    rule = build_rule(rule_text, dtstart)
    if is_bounded(rule_text):
        count = sum(1 for _ in zip(rule, range(MAX_OCCURRENCES + 1), strict=False))
        if count > MAX_OCCURRENCES:
            raise ValueError(f"more than {MAX_OCCURRENCES} occurrences")


@dataclasses.dataclass(frozen=True)
class Repeat:
    """What staff choose in the form. ``until`` is the last day (Beijing), inclusive."""

    kind: str
    interval: int = 1
    weekdays: tuple = ()  # "MO", "TU"… for WEEKLY and MONTHLY_WEEKDAY
    week_of_month: int | None = None  # 1…4 or -1, for MONTHLY_WEEKDAY
    until: datetime.date | None = None
    count: int | None = None


def rule_from_repeat(repeat, *, is_all_day):
    """The RRULE value for ``repeat``, with UNTIL as a date for all-day events and as the end
    of that Beijing day in UTC otherwise (RFC 5545 3.3.10 wants UTC with a zoned DTSTART)."""
    freq = {MONTHLY_DATE: "MONTHLY", MONTHLY_WEEKDAY: "MONTHLY"}.get(repeat.kind, repeat.kind)
    parts = [f"FREQ={freq}"]
    if repeat.interval > 1:
        parts.append(f"INTERVAL={repeat.interval}")
    if repeat.kind == WEEKLY and repeat.weekdays:
        parts.append("BYDAY=" + ",".join(repeat.weekdays))
    if repeat.kind == MONTHLY_WEEKDAY:
        parts.append("BYDAY=" + ",".join(f"{repeat.week_of_month}{day}"
                                         for day in repeat.weekdays))
    if repeat.count:
        parts.append(f"COUNT={repeat.count}")
    elif repeat.until:
        parts.append("UNTIL=" + _until_text(repeat.until, is_all_day))
    return ";".join(parts)


def _until_text(day, is_all_day):
    if is_all_day:
        return day.strftime("%Y%m%d")
    last_moment = datetime.datetime.combine(day, datetime.time(23, 59, 59), BEIJING)
    return last_moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def repeat_from_rule(rule_text):
    """The form's choices for a stored rule, or None when the form cannot express it
    (BYMONTHDAY, BYSETPOS, mixed weeks of the month, both COUNT and UNTIL…)."""
    parts = rule_parts(rule_text)
    if not parts or set(parts) - FORM_PARTS or "COUNT" in parts and "UNTIL" in parts:
        return None
    try:
        interval = int(parts.get("INTERVAL", "1"))
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        until = _until_day(parts["UNTIL"]) if "UNTIL" in parts else None
        kind, weekdays, week = _kind_and_days(parts["FREQ"], parts.get("BYDAY", ""))
    except (KeyError, ValueError):
        return None
    if interval < 1 or count is not None and count < 1:
        return None
    return Repeat(kind=kind, interval=interval, weekdays=weekdays, week_of_month=week,
                  until=until, count=count)


def _kind_and_days(freq, byday):
    days = [day for day in byday.split(",") if day]
    if freq in ("DAILY", "YEARLY") and not days:
        return freq, (), None
    if freq == "WEEKLY" and all(day in WEEKDAYS for day in days):
        return WEEKLY, tuple(days), None
    if freq == "MONTHLY" and not days:
        return MONTHLY_DATE, (), None
    if freq == "MONTHLY":
        weeks = {int(day[:-2]) for day in days if day[-2:] in WEEKDAYS and day[:-2]}
        if len(weeks) == 1 and weeks <= set(WEEKS_OF_MONTH):
            return MONTHLY_WEEKDAY, tuple(day[-2:] for day in days), weeks.pop()
    raise ValueError(f"cannot express FREQ={freq};BYDAY={byday}")


def _until_day(text):
    if "T" not in text:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    moment = datetime.datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    if text.endswith("Z"):
        moment = moment.replace(tzinfo=datetime.UTC).astimezone(BEIJING)
    return moment.date()


def next_starts(rule_text, dtstart, *, skipped=(), after=None, limit=10):
    """The first ``limit`` starts of the series at or after ``after`` (an aware moment),
    without the skipped dates, as Beijing times; ValueError for a rule that does not parse."""
    rule = build_rule(rule_text, dtstart)
    skipped = set(skipped)
    start = _like(after or dtstart, dtstart)
    starts = []
    for moment in rule.xafter(start, count=limit + len(skipped), inc=True):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)
        if moment.date() not in skipped:
            starts.append(moment)
    return starts[:limit]


def _like(moment, dtstart):
    """``moment`` in the same kind (floating or zoned) as ``dtstart``, for comparing."""
    local = moment.astimezone(BEIJING) if moment.tzinfo else moment
    return local.replace(tzinfo=None) if dtstart.tzinfo is None else local
