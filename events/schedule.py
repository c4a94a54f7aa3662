"""When an event happens: its occurrences between two moments, from its times alone.

``Schedule`` reads ``starts_at``, ``ends_at``, ``is_all_day``, ``recurrence_rule`` and
``exception_dates`` of the object it is mixed into: ``Event``, and the month grid's
``Timing`` (events/month_grid.py), which holds only these, so that a busy month's hundreds of
events are placed on their days without building each as a model instance.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property

from events.recurrence import MAX_OCCURRENCES, build_rule, parse_exception_dates, rule_dtstart
from lifevalley.timezones import BEIJING


class Schedule:
    """The occurrence methods of anything with an event's times (see the module's docstring)."""

    @property
    def duration(self):
        return self.ends_at - self.starts_at

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, BEIJING)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, BEIJING)

    @cached_property
    def skipped_dates(self):
        try:
            return parse_exception_dates(self.exception_dates)
        except ValidationError:
            return []

    @cached_property
    def rule(self):
        """The dateutil rule of a repeating event, or None (one-off or invalid rule)."""
        if not self.recurrence_rule:
            return None
        try:
            return build_rule(self.recurrence_rule, self._rule_dtstart())
        except (ValueError, TypeError, KeyError):
            return None

    def _rule_dtstart(self):
        return rule_dtstart(self.starts_at, self.is_all_day)

    def _as_aware(self, moment):
        if timezone.is_naive(moment):
            return moment.replace(tzinfo=BEIJING)
        return moment

    def occurrences(self, start, end):
        """(start, end) pairs in Beijing time of the occurrences overlapping [start, end)."""
        duration = self.duration
        if self.rule is None:
            if self.starts_at < end and self.ends_at >= start:
                return [(self.local_start, self.local_end)]
            return []
        skipped = set(self.skipped_dates)
        window_start = (start - duration).astimezone(BEIJING)
        window_end = end.astimezone(BEIJING)
        if self.is_all_day:
            window_start = window_start.replace(tzinfo=None)
            window_end = window_end.replace(tzinfo=None)
        result = []
        for moment in self.rule.between(window_start, window_end, inc=True):
            if len(result) >= MAX_OCCURRENCES:
                break
            moment = self._as_aware(moment)
            if moment.date() in skipped or moment >= end:
                continue
            if moment + duration < start:
                continue
            result.append((moment, moment + duration))
        return result
