from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifevalley.images import CheckedImageField
from lifevalley.models import (
    PublishableModel,
    PublishableQuerySet,
    RenditionsMixin,
    Sector,
    require_alt_text,
)
from lifevalley.search import SearchableQuerySet


def current_year():
    return timezone.now().year


class OrganisationQuerySet(SearchableQuerySet, PublishableQuerySet):
    def featured(self):
        return self.filter(is_featured=True)

    def in_zone(self, zone):
        return self.filter(zone=zone)

    def in_sectors(self, sectors):
        """Organisations in ANY of these sectors, without duplicates (a subquery, no DISTINCT)."""
        memberships = Organisation.sectors.through.objects.filter(sector__in=sectors)
        return self.filter(pk__in=memberships.values("organisation_id"))

    def related_search_condition(self, term):
        """Organisations in a sector whose name (in either language) contains ``term``."""
        sectors = Sector.objects.filter(
            Q(name_en__icontains=term) | Q(name_zh_hans__icontains=term)
        )
        memberships = Organisation.sectors.through.objects.filter(sector__in=sectors)
        return Q(pk__in=memberships.values("organisation_id"))

    def for_cards(self, now=None):
        """What a card shows: the public zone (a card names no sectors)."""
        return self.with_public("zone", now=now)

    def for_detail(self, now=None):
        """What the organisation's page, its data and the API show: also its sectors."""
        return self.for_cards(now).with_public("sectors", now=now)

    def related_to(self, organisation):
        """Other organisations sharing a sector with this one, most sectors in common first.

        The shared sectors are counted on the membership table by organisation id (a
        correlated count over its unique index), not by grouping on every organisation column.
        """
        sector_ids = [sector.pk for sector in organisation.sectors.all()]
        memberships = Organisation.sectors.through.objects.filter(sector_id__in=sector_ids)
        shared = (
            memberships.filter(organisation_id=OuterRef("pk"))
            .order_by()
            .values("organisation_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.filter(pk__in=memberships.values("organisation_id"))
            .exclude(pk=organisation.pk)
            .annotate(shared_sectors=Subquery(shared, output_field=models.IntegerField()))
            .order_by("-shared_sectors", "name")
        )

    def sector_counts(self):
        """{sector id: how many of these organisations are in it}; one aggregate query over
        the memberships alone (grouped by the id, not joined to the sectors for their slugs)."""
        memberships = Organisation.sectors.through.objects.filter(
            organisation__in=self.order_by().values("pk")
        )
        rows = memberships.values("sector_id").annotate(count=Count("organisation_id"))
        return {row["sector_id"]: row["count"] for row in rows}


class Organisation(RenditionsMixin, PublishableModel):
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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
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
    logo = CheckedImageField(_("logo"), upload_to="logos/%Y/", blank=True)
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(_("logo description (alt text)"), max_length=250, blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1600), MaxValueValidator(current_year)],
        help_text=_("The year it was founded. Leave empty if not known."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_unicorn = models.BooleanField(
        _("unicorn"),
        default=False,
        help_text=_("Privately held and valued at over US$1 billion."),
    )
    stock_exchange = models.CharField(
        _("stock exchange"), max_length=50, blank=True, help_text=_("e.g. SSE, SZSE, HKEX, NASDAQ")
    )
    stock_ticker = models.CharField(
        _("ticker"), max_length=20, blank=True, help_text=_("Listed organisations have a ticker.")
    )
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
    image_fields = ("logo",)
    search_fields = {"A": ["name"], "B": ["summary"], "C": ["description"]}

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
            models.CheckConstraint(
                condition=Q(stock_ticker="") | ~Q(stock_exchange=""),
                name="organisation_ticker_needs_exchange",
                violation_error_message=_("Give the stock exchange of the ticker."),
            ),
        ]
        # The list filters on published + one facet and sorts by name, newest or founded.
        indexes = [
            models.Index(fields=["is_published", "name"], name="org_published_name"),
            models.Index(
                fields=["is_published", "-created_at", "-id"], name="org_published_newest"
            ),
            models.Index(fields=["is_published", "founded_year"], name="org_published_founded"),
            models.Index(fields=["zone", "name"], name="org_zone_name"),
            models.Index(fields=["kind", "name"], name="org_kind_name"),
            # Few organisations are unicorns, listed or featured: small partial indexes.
            models.Index(fields=["name"], condition=Q(is_unicorn=True), name="org_unicorn_name"),
            models.Index(fields=["name"], condition=Q(is_listed=True), name="org_listed_name"),
            models.Index(fields=["name"], condition=Q(is_featured=True), name="org_featured_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:detail", kwargs={"slug": self.slug})

    # Code that validates many organisations at once against names it has already read (the
    # CSV import) sets this to False on its instances, so that clean() does not query per row.
    check_names_in_clean = True

    def clean(self):
        super().clean()
        if self.check_names_in_clean:
            self.check_name_is_unique()
        if self.hospital_beds is not None and self.kind != self.Kind.HOSPITAL:
            raise ValidationError(
                {"hospital_beds": _("Only hospitals have hospital beds; leave this empty.")}
            )
        require_alt_text(self.logo, self.logo_alt, "logo_alt",
                         _("Describe the logo for screen readers."))
        if self.stock_exchange and not self.stock_ticker:
            raise ValidationError({"stock_ticker": _("Give the ticker on this stock exchange.")})

    def check_name_is_unique(self):
        """The case-insensitive name constraint, checked in forms that edit ``name_en``.

        Forms from the translation admin leave out the plain ``name`` field, so Django skips
        the constraint on it; this gives those forms the same clear message.
        """
        others = Organisation.objects.exclude(pk=self.pk)
        for field in ("name_en", "name_zh_hans"):
            value = (getattr(self, field, None) or "").strip()
            if value and others.filter(**{f"{field}__iexact": value}).exists():
                raise ValidationError(
                    {field: _("An organisation with this name already exists.")}
                )

    @property
    def listing(self):
        """``EXCHANGE:TICKER`` for listed organisations, else an empty string."""
        if not self.stock_ticker:
            return ""
        return f"{self.stock_exchange}:{self.stock_ticker}"
