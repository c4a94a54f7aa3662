"""What the admin index shows staff: recent changes they may see, and what needs attention."""

import datetime

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from lifevalley.models import PublishableModel

# Texts a visitor reads; image descriptions and the like are checked in the change forms.
TRANSLATED_TEXTS = ("name", "title", "label", "tagline", "summary", "description",
                    "value_text", "unit")

RECENT_CHANGES = 12
SOON = datetime.timedelta(days=7)


def recent_changes(user):
    """The latest changes, by anyone, to the kinds of content this user may view."""
    entries = LogEntry.objects.select_related("user", "content_type")
    if not user.is_superuser:
        visible = [
            content_type.pk for content_type in ContentType.objects.all()
            if user.has_perm(f"{content_type.app_label}.view_{content_type.model}")
            or user.has_perm(f"{content_type.app_label}.change_{content_type.model}")
        ]
        entries = entries.filter(content_type__in=visible)
    return list(entries[:RECENT_CHANGES])


def drafts_waiting(user):
    """Per public model the user may see: how many drafts wait for a publisher."""
    waiting = []
    for model in apps.get_models():
        if not issubclass(model, PublishableModel):
            continue
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        count = model.objects.drafts().count()
        if count:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            waiting.append(
                {"label": opts.verbose_name_plural, "count": count,
                 "url": f"{url}?is_published__exact=0"}
            )
    return waiting


def event_alerts(user, now=None):
    """Events starting within a week, and upcoming events that say nowhere where they are
    (neither a venue nor a zone: an event in a zone without a named hall is fine)."""
    try:
        event_model = apps.get_model("events", "Event")
        changelist = reverse("admin:events_event_changelist")
    except (LookupError, NoReverseMatch):
        return []
    if not user.has_perm("events.view_event"):
        return []
    now = now or timezone.now()
    upcoming = event_model.objects.upcoming(now)
    alerts = [
        (_("Events starting within 7 days"),
         upcoming.filter(starts_at__lte=now + SOON)),
        (_("Upcoming events with neither a venue nor a zone"),
         upcoming.filter(venue__isnull=True, zone__isnull=True)),
    ]
    return [
        {"label": label, "items": list(queryset.order_by("starts_at")[:10]),
         "count": queryset.count(), "changelist": changelist}
        for label, queryset in alerts
    ]


def missing_chinese(user):
    """Per translated public model the user may change: how many rows show a visitor English
    on the Chinese pages because a text has no Chinese version yet. One count query each."""
    missing = []
    for model in translator.get_registered_models(abstract=False):
        opts = model._meta
        if not issubclass(model, PublishableModel):
            continue
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            continue
        fields = [f for f in translator.get_options_for_model(model).fields
                  if f in TRANSLATED_TEXTS]
        lacking = Q()
        for field in fields:
            lacking |= Q(**{f"{field}_en__gt": ""}) & (
                Q(**{f"{field}_zh_hans__isnull": True}) | Q(**{f"{field}_zh_hans": ""})
            )
        count = model.objects.filter(lacking).count() if fields else 0
        if count:
            missing.append({
                "label": opts.verbose_name_plural, "count": count, "fields": fields,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            })
    return missing
