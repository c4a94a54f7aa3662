from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lifevalley.models import PublishableModel, PublishableQuerySet


class SpaceOfferQuerySet(PublishableQuerySet):
    def for_cards(self, now=None):
        """Offers with their zone and project, leaving out those whose zone, or project if
        they name one, is not public: there would be no page to show them on."""
        return (
            self.with_public("zone", "project", now=now)
            .filter(public_zone__isnull=False)
            .filter(Q(project__isnull=True) | Q(public_project__isnull=False))
        )


class SpaceOffer(PublishableModel):
    """Space the park offers in a zone, or in one of its development projects."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        LABORATORY = "laboratory", _("Laboratory")
        GMP = "gmp", _("GMP production")
        INCUBATOR = "incubator", _("Incubator")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        RESERVED = "reserved", _("Reserved")
        LET = "let", _("Let")

    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), related_name="space_offers",
        on_delete=models.CASCADE,
    )
    project = models.ForeignKey(
        "zones.Project", verbose_name=_("development project"), related_name="space_offers",
        on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("Leave empty for space in the zone itself."),
    )
    kind = models.CharField(_("kind of space"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. “Building 3, second floor”.")
    )
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=9, decimal_places=1, validators=[MinValueValidator(1)]
    )
    available_from = models.DateField(
        _("available from"), null=True, blank=True, help_text=_("Leave empty if available now.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )
    description = models.TextField(_("description"), blank=True)

    objects = SpaceOfferQuerySet.as_manager()

    class Meta(PublishableModel.Meta):
        ordering = ["zone__order", "kind", "name"]
        verbose_name = _("space on offer")
        verbose_name_plural = _("space on offer")
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="space_area_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.area_m2} m²)"

    def get_absolute_url(self):
        return reverse("zones:detail", kwargs={"slug": self.zone.slug}) + f"#space-{self.pk}"

    @property
    def project_url(self):
        """The project's place on its zone page, from the zone fetched with the offer (a
        project is always in its offer's zone: ``clean()``), so no query per row."""
        self.project.zone = self.zone
        return self.project.get_absolute_url()

    def clean(self):
        super().clean()
        if self.project_id and self.zone_id and self.project.zone_id != self.zone_id:
            raise ValidationError({"project": _("This project is in another zone.")})
