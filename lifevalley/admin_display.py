"""How the back office writes dates and figures: the same way on every list, form and the
dashboard, in Beijing time (the site's TIME_ZONE)."""

from django.utils import formats, timezone

from lifevalley.timezones import BEIJING


def when_text(item, *, weekday=False):
    """An event's start as staff read it: "November 2023" when only the month is known,
    a date without "00:00" for all-day events, else date and time."""
    local = timezone.localtime(item.starts_at, BEIJING)
    if getattr(item, "is_month_only", False):
        return formats.date_format(local, "YEAR_MONTH_FORMAT")
    return moment_text(local, all_day=getattr(item, "is_all_day", False), weekday=weekday)


def moment_text(moment, *, all_day=False, weekday=False):
    """A moment (aware, or a floating all-day start) in the admin's date format."""
    kind = "DATE_FORMAT" if all_day else "DATETIME_FORMAT"
    if moment.tzinfo:
        moment = timezone.localtime(moment, BEIJING)
    return formats.date_format(moment, ("ADMIN_WEEKDAY_" if weekday else "") + kind)


def figure_text(number):
    """A key figure's number as written, grouped: 10749 as "10,749"."""
    return formats.number_format(number, use_l10n=True, force_grouping=True)
