"""The month calendar as pure functions: which occurrences fall on which day of a month.

A day lists at most ``limit`` occurrences and counts the rest ("N more"), so a page stays the
same size in the busiest month; the full list of a day is the events list filtered to it. The
days are worked out from each event's ``Timing`` (a row of its times); only the events shown
are then fetched whole.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from events.models import Event
from events.schedule import Schedule
from lifevalley.timezones import BEIJING


class Timing(Schedule):
    """An event's times and nothing else, from a row of ``FIELDS``: what the grid reads of
    every event of the month to place it on its days."""

    FIELDS = ("pk", "starts_at", "ends_at", "is_all_day", "date_precision", "recurrence_rule",
              "exception_dates")

    def __init__(self, pk, starts_at, ends_at, is_all_day, date_precision, recurrence_rule,
                 exception_dates):
        self.pk, self.starts_at, self.ends_at, self.is_all_day = pk, starts_at, ends_at, is_all_day
        self.is_month_only = date_precision == Event.DatePrecision.MONTH
        self.recurrence_rule, self.exception_dates = recurrence_rule, exception_dates


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    shown: list = field(default_factory=list)  # {"event", "start", "end", "url"}, soonest first
    total: int = 0
    list_url: str = ""  # the events list of this day

    @property
    def more(self):
        """How many occurrences of the day are not shown in the grid."""
        return self.total - len(self.shown)


def occurrence_days(events, first, following):
    """{day: [{"event", "start", "end"}, …]} of the occurrences from ``first`` to ``following``
    (exclusive), for events with exact dates, each day in start order."""
    start = datetime.datetime.combine(first, datetime.time.min, BEIJING)
    end = datetime.datetime.combine(following, datetime.time.min, BEIJING)
    by_day = {}
    for event in events:
        for occurrence_start, occurrence_end in event.occurrences(start, end):
            for day in _days_of(event, occurrence_start, occurrence_end, first, following):
                by_day.setdefault(day, []).append(
                    {"event": event, "start": occurrence_start, "end": occurrence_end}
                )
    for items in by_day.values():
        items.sort(key=lambda item: (item["start"], item["event"].pk))
    return by_day


def shown_pks(weeks):
    """The events the days of ``weeks`` show."""
    return {item["event"].pk for week in weeks for day in week for item in day.shown}


def show_events(weeks, events):
    """Put each shown occurrence's event (``events``: pk → event) and its address in place of
    its timing; one gone since the timings were read (unpublished or deleted meanwhile) is
    left out. The grid and the list below it both link each shown occurrence."""
    urls = {pk: event.get_absolute_url() for pk, event in events.items()}
    for week in weeks:
        for day in week:
            day.shown = [
                {**item, "event": events[item["event"].pk], "url": urls[item["event"].pk]}
                for item in day.shown if item["event"].pk in events
            ]


def _days_of(event, occurrence_start, occurrence_end, first, following):
    day = max(occurrence_start.date(), first)
    last = occurrence_end.date()
    if not event.is_all_day and occurrence_end.time() == datetime.time.min and last > day:
        last -= datetime.timedelta(days=1)  # ends at midnight: not on the next day
    while day <= last and day < following:
        yield day
        day += datetime.timedelta(days=1)


def day_list_url(day, today):
    """The events list of one day: the upcoming list from today on, the past list before."""
    name = "events:list" if day >= today else "events:past"
    return f"{reverse(name)}?after={day.isoformat()}&before={day.isoformat()}"


def month_weeks(year, month, by_day, *, today, limit):
    """The weeks (Monday first) of the month as lists of ``Day``; days of the neighbouring
    months are empty."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for date in week:
            in_month = date.month == month
            items = by_day.get(date, []) if in_month else []
            days.append(Day(
                date=date, in_month=in_month, is_today=date == today, shown=items[:limit],
                total=len(items), list_url=day_list_url(date, today) if items else "",
            ))
        weeks.append(days)
    return weeks


def busy_days(weeks):
    """The days of the month with at least one occurrence, in order (for the list below)."""
    return [day for week in weeks for day in week if day.total]
