import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from space.models import SpaceOffer

MESSAGE_MAX_LENGTH = 3000


# The kinds of space the park offers, or not decided yet.
SPACE_WANTED_CHOICES = [*SpaceOffer.Kind.choices, ("not_sure", _("Not sure yet"))]


class Timeline(models.TextChoices):
    NOW = "now", _("As soon as possible")
    MONTHS_3 = "3m", _("Within 3 months")
    MONTHS_6 = "6m", _("Within 6 months")
    YEAR = "12m", _("Within a year")
    LATER = "later", _("Later")


class EnquiryQuerySet(models.QuerySet):
    def older_than_retention(self, now=None):
        """Enquiries past ``ENQUIRY_RETENTION_DAYS``: personal data the park no longer keeps."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
        return self.filter(created_at__lt=limit)


class Enquiry(models.Model):
    """A company's question about space in the park: personal data, staff only."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    organisation = models.CharField(_("organisation"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=120)
    email = models.EmailField(_("email"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sector = models.ForeignKey(
        "lifevalley.Sector", verbose_name=_("sector"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )
    space_wanted = models.CharField(
        _("space wanted"), max_length=20, choices=SPACE_WANTED_CHOICES
    )
    area_m2 = models.PositiveIntegerField(_("area wanted (m²)"), null=True, blank=True)
    timeline = models.CharField(_("timeline"), max_length=10, choices=Timeline.choices)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    consent = models.BooleanField(_("agrees to be contacted"), default=False)
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), related_name="+", on_delete=models.SET_NULL,
        null=True, blank=True,
    )
    project = models.ForeignKey(
        "zones.Project", verbose_name=_("development project"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    # Handled by staff in the admin.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), related_name="+",
        on_delete=models.SET_NULL, null=True, blank=True,
    )
    notes = models.TextField(_("staff notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        default_permissions = ("view", "change", "delete", "export")

    def __str__(self):
        return f"{self.organisation} ({self.contact_person})"
