"""The directory's one FilterSet: it drives both the list's query and its filter form."""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from directory.models import Organisation
from lifevalley.models import Sector
from lifevalley.page_cache import while_current
from lifevalley.search import MAX_QUERY_LENGTH, PkInList
from zones.models import Zone

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

SORTS = {
    "name": ("name_en",),
    "newest": ("-created_at", "-id"),
    "founded": (F("founded_year").asc(nulls_last=True), "name_en"),
}
SORT_CHOICES = [
    ("name", _("Name (A–Z)")),
    ("newest", _("Newest in the directory")),
    ("founded", _("Year founded (oldest first)")),
]

# Filters that have facet counts, in the order the form shows them.
FACETS = ("kind", "sector", "zone", "listed", "unicorn")


class OrganisationFilter(django_filters.FilterSet):
    """``q``, ``kind``, ``sector`` (repeatable), ``zone``, ``listed``, ``unicorn`` and ``sort``.

    Every field refuses values it does not know, so the view can answer 400 with the form's
    errors instead of silently ignoring a mistyped bookmark.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        widget=forms.SearchInput,
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    # Several sectors select organisations in ANY of them (OR): ticking a second sector widens
    # the list, which is what the sector facet counts (computed without this filter) promise.
    sector = django_filters.ModelMultipleChoiceFilter(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        method="filter_sector",
    )
    zone = django_filters.ModelChoiceFilter(
        label=_("Zone"),
        queryset=Zone.objects.none(),  # the published zones, set per request in __init__
        to_field_name="slug",
    )
    listed = django_filters.ChoiceFilter(
        label=_("Listed on a stock exchange"), choices=YES_NO, method="filter_flag"
    )
    unicorn = django_filters.ChoiceFilter(
        label=_("Unicorn"), choices=YES_NO, method="filter_flag"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    FLAG_FIELDS = {"listed": "is_listed", "unicorn": "is_unicorn"}

    class Meta:
        model = Organisation
        fields = []  # all declared above

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self.filters["zone"].queryset = Zone.objects.published(self.now)
        self.form.fields["sort"].required = False

    def filter_q(self, queryset, name, value):
        return queryset.search(value, matched_ids=self.matched_ids)

    @extend_schema_field(OpenApiTypes.STR)  # the API's schema: sector slugs (repeatable)
    def filter_sector(self, queryset, name, value):
        return queryset.in_sectors(value) if value else queryset

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{self.FLAG_FIELDS[name]: value == "yes"})

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    @cached_property
    def matched_ids(self):
        """The ids of the published organisations matching ``q``, matched once per request:
        the list, its count and every facet filter on them instead of matching again."""
        return self.queryset.matched_ids(self.form.cleaned_data.get("q") or "")

    def searched_queryset(self):
        """The published organisations, narrowed to the ``q`` matches when there is a query."""
        if self.matched_ids is None:
            return self.queryset
        return self.queryset.filter(PkInList(self.matched_ids))

    def facet_conditions(self):
        """{facet: the condition of its active filter}, for the facets that are filtered."""
        data = self.form.cleaned_data
        conditions = {}
        if data.get("kind"):
            conditions["kind"] = Q(kind=data["kind"])
        if data.get("sector"):
            memberships = Organisation.sectors.through.objects.filter(sector__in=data["sector"])
            conditions["sector"] = Q(pk__in=memberships.values("organisation_id"))
        if data.get("zone"):
            conditions["zone"] = Q(zone=data["zone"])
        for name, field in self.FLAG_FIELDS.items():
            if data.get(name):
                conditions[name] = Q(**{field: data[name] == "yes"})
        return conditions

    def filter_queryset_without(self, excluded):
        """The queryset with every active filter except ``excluded`` (and unsorted)."""
        queryset = self.searched_queryset().order_by()
        for name, condition in self.facet_conditions().items():
            if name != excluded:
                queryset = queryset.filter(condition)
        return queryset

    def facet_counts(self, zones):
        """Counts of every option of kind, zone, listed and unicorn, each given the OTHER
        filters: one pass over the searched directory with conditional aggregates."""
        counted = ("kind", "zone", *self.FLAG_FIELDS)
        conditions = self.facet_conditions()
        # A filter on a facet not counted here (sectors) narrows every count alike: it goes
        # in the WHERE clause once, not into each count's FILTER.
        searched = self.searched_queryset().order_by()
        for name, condition in conditions.items():
            if name not in counted:
                searched = searched.filter(condition)

        def given_others(name, option):
            condition = option
            for other, other_condition in conditions.items():
                if other != name and other in counted:
                    condition &= other_condition
            return condition

        # The list's own count: every filter applies (the view's paginator is told it).
        aggregates = {"total": Count("pk", filter=given_others(None, Q()) or None)}
        for value, _label in Organisation.Kind.choices:
            aggregates[f"kind:{value}"] = Count("pk", filter=given_others("kind", Q(kind=value)))
        for zone in zones:
            aggregates[f"zone:{zone.slug}"] = Count(
                "pk", filter=given_others("zone", Q(zone_id=zone.pk))
            )
        for name, field in self.FLAG_FIELDS.items():
            for flag in (True, False):
                aggregates[f"{name}:{flag}"] = Count(
                    "pk", filter=given_others(name, Q(**{field: flag}))
                )
        counts = searched.aggregate(**aggregates)
        return {
            "total": counts["total"],
            **{
                name: {key.split(":", 1)[1]: count for key, count in counts.items()
                       if key.startswith(f"{name}:")}
                for name in counted
            },
        }

    def facet_cache_name(self):
        """What the counts depend on besides the content and the clock: the filters, not the
        page, the sort or the language."""
        data = self.form.cleaned_data
        filters = {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "sector": sorted(sector.slug for sector in data.get("sector") or ()),
            "zone": data["zone"].slug if data.get("zone") else "",
            **{name: data.get(name) or "" for name in self.FLAG_FIELDS},
        }
        digest = hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()
        # "-2": the counts hold the list's total since; entries cached before are not read.
        return f"directory-facets-2:{digest[:32]}"

    @cached_property
    def facet_zones(self):
        return list(Zone.objects.published(self.now).order_by("order", "name"))

    @cached_property
    def facet_sectors(self):
        return list(self.filters["sector"].queryset)

    @cached_property
    def counts(self):
        """Every facet option's count and the list's ``total``, shared by every request with
        the same filters while the content stands (``while_current``): an edit, import or
        publication moment shows on the next request."""
        slugs = {sector.pk: sector.slug for sector in self.facet_sectors}
        return while_current(self.facet_cache_name(), lambda: {
            **self.facet_counts(self.facet_zones),
            "sector": {
                slugs[pk]: count
                for pk, count in self.filter_queryset_without("sector").sector_counts().items()
                if pk in slugs
            },
        })

    @property
    def result_count(self):
        """How many organisations the list holds, counted with the facets: the list needs no
        COUNT query of its own."""
        return self.counts["total"]

    def facets(self):
        """Each facet's options with how many organisations match given the OTHER filters.

        Two aggregate queries however many options there are (one with conditional counts for
        kind, zone and the flags, one over the sector memberships), plus one each for the sector
        and zone labels; the counts are shared (``counts``). Facet.options leaves out options
        that match nothing unless they are selected (so they can be unselected).
        """
        data = self.form.cleaned_data
        selected_sectors = {sector.slug for sector in data.get("sector") or ()}
        selected_zone = data["zone"].slug if data.get("zone") else ""

        zones, sectors, counts = self.facet_zones, self.facet_sectors, self.counts
        kind_counts, zone_counts = counts["kind"], counts["zone"]
        flags = {
            name: {True: counts[name]["True"], False: counts[name]["False"]}
            for name in self.FLAG_FIELDS
        }
        sector_counts = counts["sector"]
        return [
            Facet("kind", _("Kind"), "radio", _("Any kind"), [
                Option(value, label, kind_counts.get(value, 0), value == data.get("kind"))
                for value, label in Organisation.Kind.choices
            ]),
            Facet("sector", _("Sectors"), "checkbox", "", [
                Option(s.slug, s.name, sector_counts.get(s.slug, 0), s.slug in selected_sectors)
                for s in sectors
            ]),
            Facet("zone", _("Zone"), "radio", _("Any zone"), [
                Option(z.slug, z.name, zone_counts.get(z.slug, 0), z.slug == selected_zone)
                for z in zones
            ]),
            *(
                # Only "yes" is offered: the directory marks the organisations known to be
                # listed (or unicorns), so "No (11)" would contradict the park's headline
                # figures. A bookmarked "no" still shows, so that it can be cleared.
                Facet(name, self.filters[name].label, "radio", _("Either"), [
                    Option(value, label, flags[name][value == "yes"], value == data.get(name))
                    for value, label in YES_NO
                    if value == "yes" or value == data.get(name)
                ])
                for name in self.FLAG_FIELDS
            ),
        ]

    def active_filters(self):
        """The chips above the results: one per active value, each removable on its own."""
        data = self.form.cleaned_data
        chips = []
        if data.get("q"):
            chips.append(Chip("q", _("Search"), data["q"]))
        if data.get("kind"):
            chips.append(Chip("kind", _("Kind"), Organisation.Kind(data["kind"]).label))
        sectors = list(data.get("sector") or ())
        for sector in sectors:
            remaining = [other.slug for other in sectors if other != sector]
            chips.append(Chip("sector", _("Sector"), sector.name, remaining))
        if data.get("zone"):
            chips.append(Chip("zone", _("Zone"), data["zone"].name))
        for name in self.FLAG_FIELDS:
            if data.get(name):
                chips.append(Chip(name, self.filters[name].label, dict(YES_NO)[data[name]]))
        return chips


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    legend: str
    input_type: str  # "radio" or "checkbox"
    any_label: str  # the radio that clears a single-choice facet
    all_options: list[Option]

    @property
    def options(self):
        """Options that match something, and a selected one even if not (to clear it)."""
        return [option for option in self.all_options if option.count or option.selected]

    @property
    def is_shown(self):
        """A facet with nothing to offer (no organisation is marked a unicorn) is left out."""
        return bool(self.options) or self.any_selected or self.input_type == "checkbox"

    @property
    def any_selected(self):
        return any(option.selected for option in self.all_options)


@dataclass
class Chip:
    name: str
    label: str
    value: str
    remaining: list[str] | None = None  # for a repeatable filter: the values that stay
