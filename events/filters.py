import datetime
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from events.models import Event, EventCategory
from lifevalley.search import MAX_QUERY_LENGTH
from lifevalley.timezones import BEIJING
from zones.models import Zone

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that refuses malformed values before they reach the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not SLUG_RE.match(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, what, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs["error_messages"] = {
            "invalid_choice": format_lazy(_("There is no {} with this slug."), what)
        }
        super().__init__(*args, **kwargs)


def _published_zones(request):
    return Zone.objects.published()


def _published_organisers(request):
    """Published organisations that organise at least one published event."""
    now = timezone.now()
    return Organisation.objects.published(now).filter(
        Exists(
            Event.organisers.through.objects.filter(
                organisation=OuterRef("pk"), event__in=Event.objects.published(now)
            )
        )
    ).order_by("name")


# The organiser field suggests the published organisers of this many of the listed events
# (the soonest upcoming, or the latest past), at most ORGANISER_SUGGESTIONS of them: a short
# <datalist>, whatever the size of the directory. Any other organiser can be typed by slug.
SUGGESTION_EVENTS = 200
ORGANISER_SUGGESTIONS = 30


def organiser_suggestions(events, now):
    """(slug, name) of published organisers of the first events of ``events``, by name."""
    first_events = events.order_by(*events.query.order_by).values("pk")[:SUGGESTION_EVENTS]
    links = Event.organisers.through.objects.filter(event__in=first_events)
    return list(
        Organisation.objects.published(now)
        .filter(pk__in=links.values("organisation_id"))
        .order_by("name")
        .values_list("slug", "name")[:ORGANISER_SUGGESTIONS]
    )


class EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("after"), cleaned.get("before")
        if after and before and after > before:
            raise forms.ValidationError(_("“From” must not be later than “until”."))
        return cleaned


FIRST_DATE, LAST_DATE = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


def validate_date_range(value):
    if not FIRST_DATE <= value <= LAST_DATE:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
            code="date_out_of_range",
        )


def start_of_day(day):
    return datetime.datetime.combine(day, datetime.time.min, BEIJING)


class EventFilter(django_filters.FilterSet):
    """The filters of /events/, /events/past/ and /events/feed.ics (one definition for all)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=MAX_QUERY_LENGTH, strip=True
    )
    category = SlugChoiceFilter(
        label=_("Category"), queryset=EventCategory.objects.all(), empty_label=_("Any category"),
        what=_("category"),
    )
    zone = SlugChoiceFilter(
        label=_("Zone"), queryset=_published_zones, empty_label=_("Any zone"), what=_("zone")
    )
    organiser = SlugChoiceFilter(
        label=_("Organiser"), field_name="organisers", queryset=_published_organisers,
        what=_("organiser"),
        widget=forms.TextInput(attrs={
            "list": "organiser-options", "autocomplete": "off", "spellcheck": "false",
            "placeholder": _("Any organiser"),
        }),
    )
    after = django_filters.DateFilter(
        label=_("From"), method="filter_after",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"], validators=[validate_date_range],
    )
    before = django_filters.DateFilter(
        label=_("Until"), method="filter_before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"], validators=[validate_date_range],
    )

    class Meta:
        form = EventFilterForm
        fields = []

    def search(self, queryset, name, value):
        """The site's search machinery; the list keeps its own (chronological) order."""
        return queryset.matching(value)

    def filter_after(self, queryset, name, value):
        """Events still running on or after the start of that day (Beijing time)."""
        return queryset.ending_after(start_of_day(value))

    def filter_before(self, queryset, name, value):
        """Events starting on or before that day (Beijing time)."""
        return queryset.starting_before(start_of_day(value + datetime.timedelta(days=1)))

    # What the filter means, in words and as a canonical query string --------------------

    def active(self):
        """(name, cleaned value) of the filters in use, in a fixed order."""
        data = self.form.cleaned_data
        return [(name, data[name]) for name in self.filters if data.get(name)]

    def canonical_query(self):
        """The query string of exactly this filter (no page, no unknown parameters)."""
        params = []
        for name, value in self.active():
            if hasattr(value, "slug"):
                value = value.slug
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            params.append((name, value))
        return params

    def describe(self):
        """A short human name of the filter, e.g. "Forum · Frontier Technology Zone"."""
        parts = []
        for name, value in self.active():
            if name == "q":
                parts.append(f"“{value}”")
            elif name == "after":
                parts.append(str(_("from %(date)s") % {"date": value.isoformat()}))
            elif name == "before":
                parts.append(str(_("until %(date)s") % {"date": value.isoformat()}))
            else:
                parts.append(str(value))
        return " · ".join(parts)


def today_in_beijing():
    return timezone.localtime(timezone.now(), BEIJING).date()
