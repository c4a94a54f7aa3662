from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from events import ical, recurrence
from events.changes import change_text
from events.feed_check import check_feeds
from events.forms import DAY_FIELDS, PREVIEW_BUTTON, DateOptionalTimeField, EventAdminForm
from events.models import (
    Event,
    EventCategory,
    EventChange,
    FeedCheck,
    Speaker,
    Venue,
    make_uid,
)
from lifevalley import history
from lifevalley.admin import BackOfficeAdminMixin, ImagePreviewMixin, PublishableAdmin
from lifevalley.admin_display import moment_text, when_text
from lifevalley.review import changes as review
from lifevalley.review.workflow import HistoryMixin, review_waiting_message

PREVIEW_SHOWN = 10


@admin.register(EventCategory)
class EventCategoryAdmin(BackOfficeAdminMixin, HistoryMixin, TranslationAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_en", "name_zh_hans")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Venue)
class VenueAdmin(BackOfficeAdminMixin, HistoryMixin, TranslationAdmin):
    list_display = ("name", "address")
    search_fields = ("name_en", "name_zh_hans", "address_en")


class SpeakerInline(TranslationTabularInline):
    model = Speaker
    extra = 1
    fields = ("order", "name", "role", "affiliation", "talk_title")


class TimeframeFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.upcoming(now)
        if self.value() == "past":
            return queryset.past(now)
        return queryset


@admin.register(Event)
class EventAdmin(ImagePreviewMixin, PublishableAdmin, TranslationAdmin):
    form = EventAdminForm
    save_on_top = True  # also makes Save, not "Preview dates", the button Enter presses
    list_display = ("title", "when", "category", "zone", "status", "is_repeating_display",
                    "is_published")
    list_filter = ("is_published", TimeframeFilter, "status", "category", "zone", "is_all_day")
    list_select_related = ("category", "zone")
    search_fields = (
        "title_en", "title_zh_hans", "summary_en", "venue__name_en", "uid", "speakers__name"
    )
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organisers", "parent", "venue", "zone")
    readonly_fields = ("uid", "sequence", "series_end", "published_at", "image_preview",
                       "next_dates", "recurrence_rule")
    inlines = [SpeakerInline]
    actions = ["publish_selected", "unpublish_selected", "cancel_selected", "duplicate_selected"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "status", "summary", "description")}),
        (
            _("When"),
            {
                "fields": ("starts_at", "ends_at", "is_all_day", "date_precision"),
            },
        ),
        (
            _("Repeats"),
            {
                "fields": ("repeat", "repeat_interval", "repeat_weekdays", "repeat_week_of_month",
                           "repeat_end", "repeat_until", "repeat_count", "exception_dates",
                           "next_dates", "recurrence_rule", "series_end"),
            },
        ),
        (_("Where and who"), {"fields": ("venue", "zone", "organisers", "parent",
                                         "registration_url")}),
        (_("Image"), {"fields": ("image", "image_alt", "image_preview")}),
        (_("Calendar identity"), {"fields": ("uid", "sequence", "published_at"),
                                  "classes": ("collapse",)}),
        PublishableAdmin.publication_fieldset,
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in DAY_FIELDS:
            kwargs["form_class"] = DateOptionalTimeField  # an all-day event gives dates only
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("starts"), ordering="starts_at")
    def when(self, obj):
        return when_text(obj)

    @admin.display(description=_("series ends"))
    def series_end(self, obj):
        """The last occurrence's end, a date alone for an all-day event."""
        if obj.series_ends_at is None:
            return "—"
        return moment_text(obj.series_ends_at, all_day=obj.is_all_day)

    @admin.display(description=_("next dates"))
    def next_dates(self, obj):
        """The series' next starts, from the form's current choices after a preview."""
        button = format_html('<button type="submit" name="{}" value="1" class="button">{}</button>',
                             PREVIEW_BUTTON, _("Preview dates (nothing is saved)"))
        if not (obj.recurrence_rule and obj.starts_at and obj.ends_at):
            return format_html("<p>{}</p>{}", _("Does not repeat."), button)
        try:
            starts = recurrence.next_starts(
                obj.recurrence_rule, recurrence.rule_dtstart(obj.starts_at, obj.is_all_day),
                skipped=obj.skipped_dates, after=max(timezone.now(), obj.starts_at),
                limit=PREVIEW_SHOWN,
            )
        except ValueError:
            return format_html("<p>{}</p>{}", _("The rule does not make any dates."), button)
        if not starts:
            return format_html("<p>{}</p>{}", _("No dates after today."), button)
        items = format_html_join("", "<li>{}</li>", (
            (moment_text(start, all_day=obj.is_all_day, weekday=True),) for start in starts))
        return format_html('<ol class="lv-next-dates">{}</ol>{}', items, button)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and PREVIEW_BUTTON in request.POST:
            self.message_user(request, _("Preview only: nothing has been saved yet. Check the "
                                         "next dates under “Repeats”, then save."),
                              messages.INFO)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("repeats"), boolean=True)
    def is_repeating_display(self, obj):
        return obj.is_repeating

    @admin.action(description=_("Cancel selected events (they stay listed, marked cancelled)"),
                  permissions=["change"])
    def cancel_selected(self, request, queryset):
        changed = waiting = 0
        history.set_route("cancel")
        with transaction.atomic():
            rows = queryset.exclude(status=Event.Status.CANCELLED).select_for_update(of=("self",))
            for event in rows:
                event.status = Event.Status.CANCELLED
                if self.needs_review(request, event):  # a published event: a Publisher decides
                    review.propose(request.user, event, fields=["status"], route="cancel")
                    waiting += 1
                    continue
                event.save()  # bumps SEQUENCE so calendars replace their copy
                changed += 1
        message = ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if waiting:
            self.message_user(request, review_waiting_message(waiting), messages.WARNING)

    @admin.action(description=_("Duplicate selected events as drafts (e.g. next year's edition)"),
                  permissions=["add"])
    def duplicate_selected(self, request, queryset):
        if not self.has_add_permission(request):
            raise PermissionDenied
        history.set_route("duplicate")
        copies = []
        with transaction.atomic():
            for event in queryset.prefetch_related("organisers", "speakers"):
                copies.append(duplicate_event(event))
        message = ngettext(
            "%(count)d draft copy made: %(titles)s.", "%(count)d draft copies made: %(titles)s.",
            len(copies),
        )
        titles = ", ".join(copy.title for copy in copies)
        self.message_user(request, message % {"count": len(copies), "titles": titles},
                          messages.SUCCESS)


def duplicate_event(event):
    """A draft copy with a new UID and slug, the same speakers and organisers."""
    organisers = list(event.organisers.all())
    speakers = list(event.speakers.all())
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy._state.adding = True
    copy.uid = make_uid()
    copy.slug = _free_slug(event.slug)
    copy.title = str(_("%(title)s (copy)") % {"title": event.title})[:250]
    copy.is_published = False
    copy.published_at = None
    copy.publish_from = None
    copy.publish_until = None
    copy.sequence = 0
    copy.status = Event.Status.SCHEDULED
    copy.save()
    copy.organisers.set(organisers)
    Speaker.objects.bulk_create(
        Speaker(event=copy, name=s.name, role=s.role, affiliation=s.affiliation,
                talk_title=s.talk_title, order=s.order)
        for s in speakers
    )
    return copy


def _free_slug(slug):
    base = slug[:230]
    for number in range(2, 1000):
        candidate = f"{base}-copy" if number == 2 else f"{base}-copy-{number}"
        if not Event.objects.filter(slug=candidate).exists():
            return candidate
    return f"{base}-{make_uid()[:8]}"


@admin.register(EventChange)
class EventChangeAdmin(BackOfficeAdminMixin, TranslationAdmin):
    """Changes are recorded by themselves when an event's time, place or status changes;
    staff only add the reason, shown with the change on the page and in calendars."""

    list_display = ("changed_at", "event", "what_changed", "reason")
    list_select_related = ("event",)
    search_fields = ("event__title_en", "event__title_zh_hans", "reason_en")
    date_hierarchy = "changed_at"
    fields = ("event", "changed_at", "what_changed", "reason")
    readonly_fields = ("event", "changed_at", "what_changed")

    @admin.display(description=_("what changed"))
    def what_changed(self, obj):
        return change_text(obj)

    def has_add_permission(self, request):
        return False


@admin.register(FeedCheck)
class FeedCheckAdmin(admin.ModelAdmin):
    """One page: every subscription feed as a calendar client gets it (count, bytes, parses)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("events.view_event")

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Feed check"),
            "opts": self.model._meta,
            "feeds": check_feeds(),
            "max_bytes": ical.FEED_MAX_BYTES,
            "max_events": ical.FEED_MAX_EVENTS,
        }
        return TemplateResponse(request, "admin/events/feed_check.html", context)
