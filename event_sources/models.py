"""Organisations' own public calendars, gathered into the park's (`sync_event_sources`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventSource(models.Model):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("iCal address"), max_length=500, unique=True,
                          help_text=_("The organisation's public calendar (http or https)."))
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("organisation"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
        help_text=_("Named as the organiser of its events."),
    )
    category = models.ForeignKey("events.EventCategory", verbose_name=_("default category"),
                                 on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("zones.Zone", verbose_name=_("default zone"),
                             on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    publish_directly = models.BooleanField(
        _("publish directly"), default=False,
        help_text=_("Off: new events arrive as drafts for staff to review and publish."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("event source")
        verbose_name_plural = _("event sources")

    def __str__(self):
        return self.name


class ImportedEvent(models.Model):
    """Which event a source's UID became, and the event's version when we last wrote it (a
    later ``updated_at`` means staff edited it, and the import no longer overwrites it).

    A changed single date of a source's series (a VEVENT with a RECURRENCE-ID) becomes an event
    of its own, known by the series' UID and the original start (``recurrence_id``); the
    series itself has an empty ``recurrence_id``.
    """

    source = models.ForeignKey(EventSource, on_delete=models.CASCADE, related_name="imported")
    source_uid = models.CharField(_("UID at the source"), max_length=500)
    recurrence_id = models.CharField(
        _("original start of a changed date"), max_length=40, blank=True, default="",
        help_text=_("The source's RECURRENCE-ID (Beijing time); empty for the series itself."),
    )
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="+")
    written_at = models.DateTimeField(_("last written by the import"))

    class Meta:
        verbose_name = _("imported event")
        verbose_name_plural = _("imported events")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_uid", "recurrence_id"],
                                    name="imported_once"),
        ]

    def __str__(self):
        if self.recurrence_id:
            return f"{self.source_uid} ({self.recurrence_id})"
        return self.source_uid


class SourceRun(models.Model):
    """One sync of one source: what was fetched and what became of each event."""

    source = models.ForeignKey(EventSource, on_delete=models.CASCADE, related_name="runs",
                               verbose_name=_("source"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    fetched_bytes = models.PositiveIntegerField(_("bytes fetched"), default=0)
    error = models.CharField(_("fetch error"), max_length=500, blank=True)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True,
                             help_text=_("Each rejected or skipped event and why."))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("sync report")
        verbose_name_plural = _("sync reports")

    def __str__(self):
        return f"{self.source} · {self.started_at:%Y-%m-%d %H:%M}"
