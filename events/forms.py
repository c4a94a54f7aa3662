"""The event admin form: repeats chosen in plain words, the RRULE made from them; all-day
events given by their dates alone."""

import datetime

from django import forms
from django.contrib.admin import widgets
from django.utils.translation import gettext_lazy as _

from events import recurrence
from lifevalley.admin import EDIT_VERSION_FIELD, EditVersionModelForm

PREVIEW_BUTTON = "_preview_dates"
KEEP = "KEEP"  # a stored rule the form cannot express, kept as written

REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    (recurrence.DAILY, _("Daily")),
    (recurrence.WEEKLY, _("Weekly")),
    (recurrence.MONTHLY_DATE, _("Monthly, on the same date")),
    (recurrence.MONTHLY_WEEKDAY, _("Monthly, on a weekday (e.g. the first Monday)")),
    (recurrence.YEARLY, _("Yearly")),
]
WEEKDAY_CHOICES = list(zip(recurrence.WEEKDAYS, [
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
    _("Sunday"),
], strict=True))
WEEK_OF_MONTH_CHOICES = [
    ("1", _("first")), ("2", _("second")), ("3", _("third")), ("4", _("fourth")),
    ("-1", _("last")),
]
END_CHOICES = [("", _("Never")), ("until", _("On a date")), ("count", _("After a number of times"))]
REPEAT_FIELDS = ("repeat", "repeat_interval", "repeat_weekdays", "repeat_week_of_month",
                 "repeat_end", "repeat_until", "repeat_count")
# The date-and-time fields an all-day event gives by their dates only.
DAY_FIELDS = ("starts_at", "ends_at")


class DateOptionalTimeField(forms.SplitDateTimeField):
    """A date and a time whose time may be left empty (it then reads as 00:00): an all-day
    event needs none, and the form says when one is missing for a timed event."""

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] not in self.empty_values and (
                data_list[1] in self.empty_values):
            data_list = [data_list[0], datetime.time.min]
        return super().compress(data_list)


class EventAdminForm(EditVersionModelForm):
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, required=False)
    repeat_interval = forms.IntegerField(
        label=_("Every"), min_value=1, max_value=52, initial=1,
        help_text=_("1 = every day, week, month or year; 2 = every other one…"),
    )
    repeat_weekdays = forms.MultipleChoiceField(
        label=_("On"), choices=WEEKDAY_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Weekly: the days (none = the start's weekday). Monthly on a weekday: "
                    "the weekday (none = the start's)."),
    )
    repeat_week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month"), choices=WEEK_OF_MONTH_CHOICES, coerce=int,
        required=False, help_text=_("For “monthly, on a weekday” only."),
    )
    repeat_end = forms.ChoiceField(label=_("Ends"), choices=END_CHOICES, required=False)
    repeat_until = forms.DateField(label=_("Last date"), required=False,
                                   widget=widgets.AdminDateWidget)
    repeat_count = forms.IntegerField(label=_("Number of times"), required=False, min_value=1,
                                      max_value=recurrence.MAX_OCCURRENCES)

    # The rule is not a form field (it is shown read-only), but this form writes it.
    extra_written_fields = ("recurrence_rule",)

    class Meta:
        # The admin's read-only "series ends", a date alone for an all-day event.
        help_texts = {"series_end": _("End of the last occurrence; empty for a series "
                                      "without an end.")}

    class Media:
        js = ["js/admin-all-day.js"]  # hides the time boxes while "all day" is ticked

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_rule = self.instance.recurrence_rule
        self.stored_repeat = recurrence.repeat_from_rule(self.stored_rule) if (
            self.stored_rule) else None
        if self.stored_rule and self.stored_repeat is None:
            self.fields["repeat"].choices = [
                (KEEP, _("As the rule below says (the form cannot show it)")), *REPEAT_CHOICES,
            ]
            self.initial["repeat"] = KEEP
            self.fields["repeat"].help_text = _(
                "This rule uses parts the choices cannot show; it is kept exactly as written "
                "unless you choose another repeat here.")
        elif self.stored_repeat is not None:
            self.initial.update(_initial_from(self.stored_repeat))
        if "is_all_day" in self.fields:
            self.fields["is_all_day"].widget.attrs["data-hides-times"] = " ".join(
                self[name].auto_id for name in DAY_FIELDS if name in self.fields)

    @property
    def wants_preview(self):
        return PREVIEW_BUTTON in self.data

    def is_valid(self):
        """A preview submit checks everything and then stops short of saving: the form is
        shown again, without errors, with the dates the rule makes."""
        valid = super().is_valid()
        if valid and self.wants_preview:
            # Keep the version the form was opened with: a preview is not a fresh read.
            self.current_edit_version = self.data.get(EDIT_VERSION_FIELD)
            return False
        return valid

    def clean(self):
        cleaned_data = super().clean()
        self._check_times(cleaned_data)
        try:
            self.instance.recurrence_rule = self._rule(cleaned_data)
        except forms.ValidationError as error:
            self.add_error("repeat", error)
        return cleaned_data

    def _check_times(self, data):
        """A timed event needs its times; an all-day one (or a month-only one) only dates."""
        month_only = data.get("date_precision") == self.instance.DatePrecision.MONTH
        if data.get("is_all_day") or month_only:
            return
        for name in DAY_FIELDS:
            given = self[name].data if name in self.fields else None
            if isinstance(given, (list, tuple)) and given[0] and not given[1]:
                self.add_error(name, _("Enter a time, or tick “all day”."))

    def _rule(self, data):
        kind = data.get("repeat") or ""
        if kind == KEEP or not self._repeat_changed():
            return self.stored_rule
        if not kind:
            return ""
        starts_at = data.get("starts_at")
        if starts_at is None:
            return self.stored_rule  # the start's own error is shown
        rule = recurrence.rule_from_repeat(self._repeat(data, starts_at),
                                           is_all_day=data.get("is_all_day", False))
        try:
            recurrence.check_rule(rule, recurrence.rule_dtstart(starts_at, data.get("is_all_day")))
        except ValueError as error:
            raise forms.ValidationError(
                _("These choices make no usable series (%(error)s)."), params={"error": error},
            ) from None
        return rule

    def _repeat_changed(self):
        # An untouched choice keeps the stored rule byte for byte, so saving the form for
        # another field never moves the calendars' SEQUENCE.
        return self.stored_repeat is None or any(
            name in self.changed_data for name in (*REPEAT_FIELDS, "is_all_day"))

    def _repeat(self, data, starts_at):
        kind = data["repeat"]
        weekdays = tuple(day for day in recurrence.WEEKDAYS
                         if day in (data.get("repeat_weekdays") or ()))
        local_start = starts_at.astimezone(recurrence.BEIJING)
        week = None
        if kind == recurrence.MONTHLY_WEEKDAY:
            weekdays = weekdays or (recurrence.WEEKDAYS[local_start.weekday()],)
            week = data.get("repeat_week_of_month") or _week_of_month(local_start.day)
        end = data.get("repeat_end")
        if end == "until" and not data.get("repeat_until"):
            raise forms.ValidationError(_("Give the last date, or choose another end."))
        if end == "count" and not data.get("repeat_count"):
            raise forms.ValidationError(_("Give the number of times, or choose another end."))
        if end == "until" and data["repeat_until"] < local_start.date():
            raise forms.ValidationError(_("The last date is before the event starts."))
        return recurrence.Repeat(
            kind=kind, interval=data.get("repeat_interval") or 1,
            weekdays=weekdays if kind in (recurrence.WEEKLY, recurrence.MONTHLY_WEEKDAY) else (),
            week_of_month=week,
            until=data.get("repeat_until") if end == "until" else None,
            count=data.get("repeat_count") if end == "count" else None,
        )

    def _update_errors(self, errors):
        # The model reports a bad rule on ``recurrence_rule``, which is not a field here.
        if hasattr(errors, "error_dict") and "recurrence_rule" in errors.error_dict:
            errors.error_dict.setdefault("repeat", []).extend(
                errors.error_dict.pop("recurrence_rule"))
        super()._update_errors(errors)


def _week_of_month(day):
    week = (day - 1) // 7 + 1
    return week if week <= 4 else -1


def _initial_from(repeat):
    end = "count" if repeat.count else "until" if repeat.until else ""
    return {
        "repeat": repeat.kind,
        "repeat_interval": repeat.interval,
        "repeat_weekdays": list(repeat.weekdays),
        "repeat_week_of_month": repeat.week_of_month,
        "repeat_end": end,
        "repeat_until": repeat.until,
        "repeat_count": repeat.count,
    }
