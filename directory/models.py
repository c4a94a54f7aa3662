from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lifevalley.images import validate_image
from lifevalley.models import PublishableModel, PublishableQuerySet


class Sector(models.Model):
    """A field of work shared by zones (their focus areas) and organisations."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:list") + f"?sector={self.slug}"


class OrganisationQuerySet(PublishableQuerySet):
    def featured(self):
        return self.filter(is_featured=True)

    def in_zone(self, zone):
        return self.filter(zone=zone)

    def for_cards(self):
        return self.select_related("zone").prefetch_related("sectors")


class Organisation(PublishableModel):
    """A company, institution, university, hospital or public body in the park."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        RESEARCH_INSTITUTION = "research", _("Research institution")
        UNIVERSITY = "university", _("University")
        HOSPITAL = "hospital", _("Hospital")
        PUBLIC_BODY = "public", _("Public body")
        SERVICE_PROVIDER = "service", _("Service provider")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="organisations", blank=True
    )
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("zone"),
        related_name="organisations",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    summary = models.CharField(_("one-line summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/%Y/",
        blank=True,
        validators=[validate_image],
        width_field="logo_width",
        height_field="logo_height",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(_("logo description (alt text)"), max_length=250, blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_unicorn = models.BooleanField(
        _("unicorn"),
        default=False,
        help_text=_("Privately held and valued at over US$1 billion."),
    )
    stock_exchange = models.CharField(_("stock exchange"), max_length=50, blank=True)
    stock_ticker = models.CharField(_("ticker"), max_length=20, blank=True)
    is_listed = models.GeneratedField(
        expression=models.Q(stock_ticker__gt=""),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("listed"),
    )
    has_production_plant = models.BooleanField(
        _("global company with a production plant in the park"), default=False
    )
    hospital_beds = models.PositiveIntegerField(_("hospital beds"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta(PublishableModel.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_("An organisation with this name already exists."),
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "name"], name="org_published_name"),
            models.Index(fields=["is_published", "-created_at"], name="org_published_newest"),
            models.Index(fields=["is_published", "founded_year"], name="org_published_founded"),
            models.Index(fields=["zone", "name"], name="org_zone_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:detail", kwargs={"slug": self.slug})
