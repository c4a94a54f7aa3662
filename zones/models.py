from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lifevalley.models import ImageAltMixin, PublishableModel, PublishableQuerySet
from lifevalley.search import SearchableQuerySet


class ZoneQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_cards(self, now=None):
        return self.with_public("focus_areas", now=now)


class Zone(ImageAltMixin, PublishableModel):
    """One of the park's zones: the existing core, the three new zones, the northern expansion."""

    class Status(models.TextChoices):
        ESTABLISHED = "established", _("Established")
        NEW = "new", _("New")
        PLANNED = "planned", _("Planned")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    tagline = models.CharField(_("tagline"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ESTABLISHED
    )
    area_km2 = models.DecimalField(
        _("current area (km²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    planned_area_km2 = models.DecimalField(
        _("planned area (km²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    focus_areas = models.ManyToManyField(
        "lifevalley.Sector", verbose_name=_("focus areas"), related_name="zones", blank=True
    )
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    objects = ZoneQuerySet.as_manager()
    search_fields = {"A": ["name"], "B": ["tagline"], "C": ["description"]}

    class Meta(PublishableModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_km2__isnull=True) | models.Q(area_km2__gte=0),
                name="zone_area_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_area_km2__isnull=True)
                | models.Q(planned_area_km2__gte=0),
                name="zone_planned_area_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("zones:detail", kwargs={"slug": self.slug})


class ProjectQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_cards(self, now=None):
        """Projects with their zone. A project is shown on its zone's page, so one whose zone
        is not public has nowhere to link to (and no zone to name): it is left out."""
        return self.with_public("zone", now=now).filter(public_zone__isnull=False)


class Project(ImageAltMixin, PublishableModel):
    """A development project inside a zone, such as a new industrial park or base."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        COMPLETED = "completed", _("Completed")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="projects", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    description = models.TextField(_("description"), blank=True)

    objects = ProjectQuerySet.as_manager()
    search_fields = {"A": ["name"], "C": ["description"]}

    class Meta(PublishableModel.Meta):
        ordering = ["zone__order", "name"]
        verbose_name = _("development project")
        verbose_name_plural = _("development projects")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("zones:detail", kwargs={"slug": self.zone.slug}) + f"#project-{self.slug}"
