import datetime
import uuid
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Func, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from events import limits
from events.recurrence import (
    MAX_OCCURRENCES,
    build_rule,
    check_rule,
    is_bounded,
    normalise_rule,
    parse_exception_dates,
)
from events.schedule import Schedule
from lifevalley.models import ImageAltMixin, PublishableModel, PublishableQuerySet
from lifevalley.search import SearchableQuerySet
from lifevalley.timezones import BEIJING
from zones.models import Zone

# When a series without an end is over, for ``upcoming_until``: later than any real date.
NEVER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def make_uid():
    """An iCalendar UID: ASCII, made once, never derived from slug, time or language."""
    return f"{uuid.uuid4()}@lifevalley"


class EventCategory(models.Model):
    """The small, editable taxonomy of events: forum, conference, symposium, seminar…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        FeedState.touch()  # the name is in every feed's CATEGORIES

    def get_absolute_url(self):
        return reverse("events:list") + f"?category={self.slug}"


class Venue(models.Model):
    """Where events take place: a hall, a hotel, a campus building."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        is_move = self.pk is not None and Venue.objects.filter(pk=self.pk).exclude(
            name=self.name, address=self.address
        ).exists()
        super().save(*args, **kwargs)
        if is_move:
            # A changed place is a change of every event held there (iCal SEQUENCE rises).
            Event.objects.filter(venue=self).update(
                sequence=models.F("sequence") + 1, updated_at=timezone.now()
            )
            FeedState.touch()

    @property
    def display(self):
        return ", ".join(part for part in (self.name, self.address) if part)


class FeedState(models.Model):
    """One row: when anything in the events feeds last changed, including deletions.

    ``changed_at`` only moves forward. Every write to an event (save, delete, organisers)
    touches it, so the feed's Last-Modified never goes backwards when an event leaves it.
    """

    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("feed state")
        verbose_name_plural = _("feed state")

    def __str__(self):
        return str(self.changed_at)

    @classmethod
    def touch(cls, when=None):
        when = when or timezone.now()
        updated = cls.objects.filter(pk=1, changed_at__lt=when).update(changed_at=when)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"changed_at": when})


def ending_after(moment):
    """The one definition of "not over at ``moment``": the event, or the last occurrence of
    its series, ends at or after it (a series without an end never is over)."""
    return Q(upcoming_until__gte=moment)


class FeedCheck(FeedState):
    """The admin's feed check page (events/feed_check.py); no data of its own."""

    class Meta:
        proxy = True
        verbose_name = _("feed check")
        verbose_name_plural = _("feed check")


class EventQuerySet(SearchableQuerySet, PublishableQuerySet):
    def related_search_condition(self, term):
        """Events at a venue, or with a speaker, whose name contains ``term``."""
        speakers = Speaker.objects.filter(name__icontains=term).values("event_id")
        return (
            Q(venue__name_en__icontains=term)
            | Q(venue__name_zh_hans__icontains=term)
            | Q(pk__in=speakers)
        )

    def upcoming(self, now):
        """Events (or series) that have not ended yet, soonest first."""
        return self.not_over(now).order_by("starts_at", "pk")

    def not_over(self, moment):
        """Events not over at ``moment`` (``ending_after``), bounded below on their start.

        In start order the ended events come first, tens of thousands of them: the extra
        lower bound on the start (the earliest start of an event not over, read from the
        ``event_upcoming`` index) lets the start-time index begin its walk where these
        events begin instead of at the oldest event. Every event not over starts at or after
        that bound, so the rows are the same.
        """
        earliest = (  # MIN() as a plain function: no GROUP BY, one index-only scan
            Event.objects.filter(ending_after(moment)).order_by()
            .annotate(earliest=Func("starts_at", function="MIN",
                                    output_field=models.DateTimeField()))
            .values("earliest")
        )
        return self.ending_after(moment).filter(starts_at__gte=Subquery(earliest))

    def past(self, now):
        """Events (or series) that are over, most recent first.

        An event over has started: the bound on the start lets the backward walk of the
        start-time index begin at ``now``, not past every upcoming event.
        """
        return (
            self.filter(upcoming_until__lt=now, starts_at__lt=now)
            .order_by("-starts_at", "-pk")
        )

    def ending_after(self, moment):
        return self.filter(ending_after(moment))

    def starting_before(self, moment):
        return self.filter(starts_at__lt=moment)

    def overlapping(self, start, end):
        """Events with at least one occurrence that may fall in [start, end)."""
        return self.starting_before(end).ending_after(start)

    def in_zone(self, zone):
        return self.filter(zone=zone)

    def organised_by(self, organisation):
        return self.filter(organisers=organisation)

    def for_cards(self, now=None):
        return self.with_public("category", "venue", "zone", now=now)

    def for_calendar(self, now=None):
        """What a VEVENT shows: the card's relations, the public organisers and what changed."""
        return self.for_cards(now).with_public("organisers", now=now).with_changes()

    def with_changes(self):
        """Each event's recorded changes, newest first, as ``event.recent_changes``."""
        return self.prefetch_related(
            models.Prefetch(
                "changes", queryset=EventChange.objects.order_by("-changed_at", "-pk"),
                to_attr="recent_changes",
            )
        )

    def for_detail(self, now=None):
        """What the event page shows: its calendar data, speakers, parent and satellites."""
        return self.for_calendar(now).with_public("speakers", "parent", "satellites", now=now)

    def for_feed(self, now):
        """The subscription feed's events with what their VEVENTs show, and no more: the
        zone's long texts and the event's images and publication fields stay in the database
        (a thousand rows of them cost a cold feed a fifth of its query time)."""
        return self._feed_rows(now)[:limits.FEED_MAX_EVENTS]

    def for_feed_with_versions(self, now):
        """``for_feed``'s events, each with its ``feed_version`` (the one ``feed_versions``
        gives), in one query: the public organisers and changes are not fetched;
        ``prefetch_vevent_relations`` fetches them for the events whose VEVENT is built."""
        annotations = {
            _version_alias(name): models.F(name) for name in VERSION_PARTS if "__" in name
        }
        events = list(
            self._feed_rows(now).prefetch_related(None)
            .annotate(organiser_signature=_organiser_signature(now), **annotations)
            [:limits.FEED_MAX_EVENTS]
        )
        for event in events:
            event.feed_version = _feed_version(
                [getattr(event, _version_alias(name)) for name in VERSION_PARTS], now
            )
        return events

    def feed_versions(self, now):
        """(pk, version) of the events ``for_feed`` would give, in the same order, in one query.

        The version moves whenever the event's VEVENT would change: the event itself (every
        save moves ``updated_at``), its venue, zone (and whether the zone is public), category
        names, and the public organisers (their names, addresses, and which are public now).
        """
        rows = (
            self.feed_window(now)
            .annotate(organiser_signature=_organiser_signature(now))
            .stored_values_list("pk", *VERSION_PARTS)[:limits.FEED_MAX_EVENTS]
        )
        return [(row[0], _feed_version(row[1:], now)) for row in rows]

    def _feed_rows(self, now):
        return (
            self.feed_window(now)
            .for_calendar(now)
            .defer(*_fields_except(Event, VEVENT_EVENT_FIELDS),
                   *_fields_except(Zone, VEVENT_ZONE_FIELDS, prefix="public_zone__"))
        )

    def feed_window(self, now):
        """The events a subscription feed covers (not over ``FEED_PAST_WINDOW`` ago), in feed
        order, before the count cap."""
        return self.not_over(now - limits.FEED_PAST_WINDOW).order_by("starts_at", "pk")


# What an event's feed version is made of (``EventQuerySet.feed_versions``): its own change,
# and that of everything its VEVENT shows. The zone's publication state comes last.
VERSION_PARTS = (
    "updated_at", "sequence", "venue_id", "venue__updated_at", "zone_id", "zone__updated_at",
    "category_id", "category__name_en", "category__name_zh_hans", "organiser_signature",
    "zone__is_published", "zone__publish_from", "zone__publish_until",
)


def prefetch_vevent_relations(events, now):
    """What ``for_calendar`` prefetches (the public organisers, the recorded changes), for
    these events, with only the organisers' fields a VEVENT shows."""
    lookups = (
        Event.objects
        .with_public("organisers", now=now, fields={"organisers": VEVENT_ORGANISER_FIELDS})
        .with_changes()._prefetch_related_lookups
    )
    models.prefetch_related_objects(events, *lookups)


def _version_alias(name):
    """The attribute ``for_feed_with_versions`` puts a version part in."""
    return "version_" + name.replace("__", "_") if "__" in name else name


def _feed_version(values, now):
    return repr((*values[:-3], _zone_is_public(values[-3:], now)))


def _organiser_signature(now):
    """One subquery: how many public organisers, which (sum of ids), their latest change."""
    organisers = _published_organisations(now).filter(events=OuterRef("pk")).order_by()
    signature = Concat(
        Cast(models.Count("pk"), models.CharField()), Value(":"),
        Cast(models.Sum("pk"), models.CharField()), Value(":"),
        Cast(models.Max("updated_at"), models.CharField()),
        output_field=models.CharField(),
    )
    return Subquery(organisers.values("events").annotate(signature=signature)
                    .values("signature")[:1])


def _zone_is_public(fields, now):
    """Whether a zone with these (is_published, publish_from, publish_until) is public now:
    the zone model's own ``is_public`` rule, the mirror of ``published()``."""
    if fields[0] is None:  # no zone
        return None
    is_published, publish_from, publish_until = fields
    zone = SimpleNamespace(
        is_published=is_published, publish_from=publish_from, publish_until=publish_until
    )
    return PublishableModel.is_public(zone, now)  # without making a model instance


# The columns ical.event_component reads (the relations it follows are fetched whole). A
# translated field is named with its languages' columns too: modeltranslation's defer() reads
# "title" as the active language's column.
VEVENT_EVENT_FIELDS = {
    "uid", "slug", "updated_at", "sequence", "status", "title", "title_en", "title_zh_hans",
    "summary", "summary_en", "summary_zh_hans", "description", "description_en",
    "description_zh_hans", "starts_at", "ends_at", "is_all_day", "date_precision",
    "recurrence_rule", "exception_dates", "registration_url", "venue", "zone", "category",
}
VEVENT_ZONE_FIELDS = {"name", "name_en", "name_zh_hans"}
VEVENT_ORGANISER_FIELDS = ("name", "slug", "email")  # ORGANIZER and DESCRIPTION


def _fields_except(model, kept, prefix=""):
    return [
        prefix + field.name for field in model._meta.concrete_fields
        if field.name not in kept and not field.primary_key
    ]


def _published_organisations(now):
    return Organisation.objects.published(now).order_by("name")


class Event(Schedule, ImageAltMixin, PublishableModel):
    """A forum, conference, symposium, seminar or exhibition; once, or repeating by a rule."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("Exact dates")
        MONTH = "month", _("Month only (exact dates not announced)")

    # Changing any of these changes what a calendar shows: SEQUENCE rises (RFC 5545 3.8.7.4).
    SEQUENCE_FIELDS = (
        "starts_at", "ends_at", "is_all_day", "date_precision", "venue_id", "status",
        "recurrence_rule", "exception_dates",
    )

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    uid = models.CharField(
        _("calendar UID"),
        max_length=100,
        unique=True,
        default=make_uid,
        editable=False,
        help_text=_("Identifies the event in people's calendars; never changes."),
    )
    summary = models.CharField(_("one-line summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        EventCategory, verbose_name=_("category"), related_name="events", on_delete=models.PROTECT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_all_day = models.BooleanField(
        _("all day"), default=False, help_text=_("Show dates only, without times.")
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "Choose “month only” when only the month is known: the event is then shown as "
            "“November 2023” and spans the whole month in calendars."
        ),
    )
    series_ends_at = models.DateTimeField(
        _("series ends"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("End of the last occurrence; empty for a series without an end."),
    )
    # The one column "upcoming" reads: a range on it, indexed with the published flag, finds
    # the events not over yet without walking the start-time index past the ended ones.
    upcoming_until = models.GeneratedField(
        expression=Coalesce("series_ends_at", Value(NEVER)),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name=_("upcoming until"),
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), related_name="events", on_delete=models.PROTECT,
        null=True, blank=True,
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), related_name="events", on_delete=models.SET_NULL,
        null=True, blank=True,
    )
    organisers = models.ManyToManyField(
        "directory.Organisation", verbose_name=_("organisers"), related_name="events", blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        related_name="satellites",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # event_satellites below: only the few events that have a parent
        help_text=_("The larger event this is a sub-forum or satellite of."),
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED,
        db_index=True,
    )
    sequence = models.PositiveIntegerField(_("calendar revision (SEQUENCE)"), default=0,
                                           editable=False)
    recurrence_rule = models.CharField(
        _("repeats (RRULE)"),
        max_length=300,
        blank=True,
        help_text=_(
            "The RFC 5545 rule made from the choices above, for experts and calendar "
            "clients. Empty for a one-off event."
        ),
    )
    exception_dates = models.TextField(
        _("skipped dates"),
        blank=True,
        help_text=_("Dates on which a repeating event does not take place, one YYYY-MM-DD a line."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True,
                                        editable=False)

    objects = EventQuerySet.as_manager()
    search_fields = {"A": ["title"], "B": ["summary"], "C": ["description"]}

    class Meta(PublishableModel.Meta):
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "starts_at"], name="event_published_start"),
            models.Index(fields=["zone", "starts_at"], name="event_zone_start"),
            models.Index(fields=["category", "starts_at"], name="event_category_start"),
            models.Index(fields=["is_published", "-published_at"], name="event_newest"),
            # It holds every column of "public and not over" (or "over"), so that counting
            # the upcoming or past events, thousands of rows, reads only the index.
            models.Index(fields=["upcoming_until", "starts_at", "is_published", "publish_from",
                                 "publish_until"], name="event_upcoming"),
            # Nearly every event has no parent: indexing only those that do keeps SQLite's
            # planner from estimating that "part of event 4" matches half the table (its
            # statistics count NULL as one value) and walking the start index instead.
            models.Index(fields=["parent", "starts_at"], condition=Q(parent__isnull=False),
                         name="event_satellites"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_sequence_fields()
        return instance

    def _remember_sequence_fields(self):
        self._loaded_sequence_values = {
            name: self.__dict__.get(name) for name in self.SEQUENCE_FIELDS
        }

    @classmethod
    def moment_format(cls, name, values):
        """How the back office writes the stored start or end (of the event or its series) of
        a version whose other fields are ``values``: only the month, or only the date of an
        all-day event (None: date and time). Read by the history and the review pages."""
        if name not in ("starts_at", "ends_at", "series_ends_at"):
            return None
        if values.get("date_precision") == cls.DatePrecision.MONTH:
            return "YEAR_MONTH_FORMAT"
        return "DATE_FORMAT" if values.get("is_all_day") else None

    # Validation -------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        self.normalise_dates()  # what save() stores, so a form and a review see it
        self.recurrence_rule = normalise_rule(self.recurrence_rule)
        if self.recurrence_rule and self.starts_at:
            try:
                check_rule(self.recurrence_rule, self._rule_dtstart())
            except (ValueError, TypeError, KeyError) as error:
                errors["recurrence_rule"] = _(
                    "This is not a valid repeat rule (%(error)s). Example: "
                    "FREQ=WEEKLY;BYDAY=TU;COUNT=10"
                ) % {"error": error}
        try:
            skipped = parse_exception_dates(self.exception_dates)
        except ValidationError as error:
            errors["exception_dates"] = error
        else:
            if skipped and not self.recurrence_rule:
                errors["exception_dates"] = _("Only a repeating event can skip dates.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An event cannot be part of itself.")
        if self.date_precision == self.DatePrecision.MONTH and self.recurrence_rule:
            errors["date_precision"] = _("A repeating event needs exact dates.")
        if errors:
            raise ValidationError(errors)

    # Saving -----------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        self.recurrence_rule = normalise_rule(self.recurrence_rule)
        self.normalise_dates()
        self.series_ends_at = self.compute_series_end()
        changes = {}
        if self.pk is not None and not self._state.adding:
            changes = self._sequence_changes()
        if changes:
            self.sequence += 1
        # Changes made while the event was a draft were never public: nothing to explain.
        was_published = self.published_at is not None
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if changes and was_published:
                EventChange.record(self, changes)
            FeedState.touch()
        self._remember_sequence_fields()

    def _sequence_changes(self):
        """{field: (before, after)} of the SEQUENCE fields this save changes."""
        loaded = getattr(self, "_loaded_sequence_values", None)
        if loaded is None:
            row = Event.objects.filter(pk=self.pk).values(*self.SEQUENCE_FIELDS).first()
            if row is None:
                return {}
            loaded = row
        return {
            name: (loaded.get(name), getattr(self, name))
            for name in self.SEQUENCE_FIELDS
            if loaded.get(name) != getattr(self, name)
        }

    def normalise_dates(self):
        """All-day events run from 00:00 on the first day to 23:59:59 on the last (Beijing)."""
        if not (self.starts_at and self.ends_at):
            return
        first = timezone.localtime(self.starts_at, BEIJING).date()
        last = timezone.localtime(self.ends_at, BEIJING).date()
        if self.date_precision == self.DatePrecision.MONTH:
            self.is_all_day = True
            first = first.replace(day=1)
            last = _last_day_of_month(max(first, last.replace(day=1)))
        if self.is_all_day:
            self.starts_at = datetime.datetime.combine(first, datetime.time.min, BEIJING)
            self.ends_at = datetime.datetime.combine(
                max(first, last), datetime.time(23, 59, 59), BEIJING
            )

    def compute_series_end(self):
        if not (self.starts_at and self.ends_at):
            return None
        if not self.recurrence_rule:
            return self.ends_at
        try:
            rule = build_rule(self.recurrence_rule, self._rule_dtstart())
        except (ValueError, TypeError, KeyError):
            return self.ends_at  # clean() reports it; an invalid rule never repeats
        if not is_bounded(self.recurrence_rule):
            return None
        occurrences = list(zip(rule, range(MAX_OCCURRENCES), strict=False))
        if not occurrences:
            return self.ends_at
        return self._as_aware(occurrences[-1][0]) + self.duration

    # Occurrences ------------------------------------------------------------------------

    @property
    def is_repeating(self):
        return bool(self.recurrence_rule)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def organisers_shown(self):
        """The public organisers that ``with_public("organisers")`` fetched (none when the
        queryset did not fetch them): what a calendar, page data or the API names."""
        return getattr(self, "public_organisers", [])

    def status_title(self, title=None):
        """The title as a calendar or news reader shows it, alone: "Cancelled: …" or
        "Postponed: …" unless the event is as scheduled (iCal and Atom both use this)."""
        title = self.title if title is None else title
        if self.status == self.Status.CANCELLED:
            return gettext("Cancelled: %(title)s") % {"title": title}
        if self.status == self.Status.POSTPONED:
            return gettext("Postponed: %(title)s") % {"title": title}
        return title

    @property
    def is_month_only(self):
        return self.date_precision == self.DatePrecision.MONTH

    @property
    def frequency(self):
        """DAILY, WEEKLY, MONTHLY or YEARLY for a repeating event, else ''."""
        if not self.rule:
            return ""
        parts = dict(p.split("=", 1) for p in self.recurrence_rule.split(";") if "=" in p)
        return parts.get("FREQ", "")

    @classmethod
    def clock_aggregates(cls, now):
        # A published event or series ending moves it from the upcoming lists to the past.
        return super().clock_aggregates(now) | {
            "ends": Min(
                "series_ends_at",
                filter=Q(series_ends_at__gte=now)
                & (Q(publish_from__isnull=True) | Q(publish_from__lte=now)),
            )
        }

    @classmethod
    def clock_changes(cls, now, horizon):
        """Also the end of the current occurrence of each series running now: cards and the
        event page show the current or next occurrence (the few series, expanded in Python)."""
        moments = super().clock_changes(now, horizon)
        running_series = (
            cls.objects.published(now)
            .exclude(recurrence_rule="")
            .ending_after(now)
            .starting_before(min([horizon, *moments]))
            .only("starts_at", "ends_at", "is_all_day", "recurrence_rule", "exception_dates")
        )
        for event in running_series:
            current = event.next_occurrences(now, limit=1)
            if current:
                moments.append(current[0][1])
        return moments

    def next_occurrences(self, now, limit=10):
        if self.rule is None:
            return [(self.local_start, self.local_end)] if self.ends_at >= now else []
        horizon = now + datetime.timedelta(days=3 * 366)
        return self.occurrences(now, horizon)[:limit]

    @property
    def next_occurrence(self):
        """The current or next occurrence, for cards; the first one when the series is over."""
        if self.rule is None:
            return (self.local_start, self.local_end)
        upcoming = self.next_occurrences(timezone.now(), limit=1)
        return upcoming[0] if upcoming else (self.local_start, self.local_end)

    @property
    def exdates(self):
        """The skipped occurrence starts, as the iCal EXDATE values (dates or Beijing times)."""
        if self.is_all_day:
            return list(self.skipped_dates)
        start_time = self.local_start.timetz()
        return [
            datetime.datetime.combine(day, start_time.replace(tzinfo=None), BEIJING)
            for day in self.skipped_dates
        ]


def _last_day_of_month(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class Speaker(models.Model):
    """A speaker at an event, in programme order."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), related_name="speakers", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("e.g. District Mayor, keynote speaker")
    )
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    talk_title = models.CharField(_("talk title or topic"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name


@receiver(post_delete, sender=Event)
@receiver(post_delete, sender=EventCategory)
@receiver(post_delete, sender=Venue)
@receiver(post_delete, sender="zones.Zone")
@receiver(post_delete, sender="directory.Organisation")
def _deleted(sender, **kwargs):
    # Deleting an event (one, or many from the admin), or anything a VEVENT shows, must move
    # the feed's Last-Modified (which otherwise follows the latest updated_at of each).
    FeedState.touch()


@receiver(m2m_changed, sender=Event.organisers.through)
def _organisers_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        FeedState.touch()


class EventChange(models.Model):
    """A change of an event's time, place or status after it was published (one per save).

    Recorded by ``Event.save`` from the fields that raise SEQUENCE, so nothing is asked of
    staff but, if they like, the reason. ``before`` and ``after`` hold the changed fields'
    values (times as ISO text, a venue as its names in both languages), so the sentence is
    written at display time in the reader's language (events/changes.py).
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), related_name="changes", on_delete=models.CASCADE
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    before = models.JSONField(_("before"), default=dict, editable=False,
                              encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, editable=False, encoder=DjangoJSONEncoder)
    reason = models.CharField(
        _("reason"), max_length=300, blank=True,
        help_text=_("Shown with the change on the event page and in calendars, e.g. "
                    "“The speaker’s flight was delayed.”"),
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("event change")
        verbose_name_plural = _("event changes")

    def __str__(self):
        # The sentence itself is events.changes.change_text (it needs the event's other data).
        return f"{self.event_id} · {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A reason added later changes the event's VEVENT and Atom entry too.
            Event.objects.filter(pk=self.event_id).update(updated_at=timezone.now())
            FeedState.touch()

    @classmethod
    def record(cls, event, changes):
        before, after = {}, {}
        for name, (old, new) in changes.items():
            if name == "venue_id":
                name, old, new = "venue", _venue_names(old), _venue_names(new)
            before[name], after[name] = old, new
        return cls.objects.create(event=event, before=before, after=after)


def _venue_names(venue_id):
    """The venue's name in each language, as it was at the time of the change."""
    if venue_id is None:
        return None
    row = Venue.objects.filter(pk=venue_id).values("name_en", "name_zh_hans").first()
    if row is None:
        return None
    return {"en": row["name_en"], "zh-hans": row["name_zh_hans"] or row["name_en"]}
