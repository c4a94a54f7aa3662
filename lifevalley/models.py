from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import FilteredRelation, Min, Prefetch, Q, Value
from django.db.models.query import ModelIterable
from django.db.models.signals import class_prepared, post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lifevalley.images import CheckedImageField, render_renditions, rendition_names
from lifevalley.page_cache import content_changed


def public_condition(now, through=""):
    """The single definition of "public" as a condition: published and inside its window.

    ``through`` applies it across a relation (``public_condition(now, "zone")`` holds for rows
    whose zone is public); ``published()`` and ``with_public()`` are both built on it, and
    ``PublishableModel.is_public()`` is its mirror in Python.
    """
    prefix = f"{through}__" if through else ""
    return (
        # ``Value(True)``, not ``True``: Django writes ``is_published=True`` as a bare
        # ``WHERE "is_published"`` on SQLite, which cannot use the indexes starting with it.
        Q(**{f"{prefix}is_published": Value(True)})
        & (Q(**{f"{prefix}publish_from__isnull": True}) | Q(**{f"{prefix}publish_from__lte": now}))
        & (Q(**{f"{prefix}publish_until__isnull": True}) | Q(**{f"{prefix}publish_until__gt": now}))
    )


# with_public() names what it fetches "public_<relation>": the filtered join of a forward
# relation, and the prefetched list of a to-many one.
PUBLIC_PREFIX = "public_"


class PublicRelationsIterable(ModelIterable):
    """Model rows whose forward relations fetched by ``with_public()`` hold only public rows.

    The filtered join leaves the public row (or None) in ``public_<name>``; this puts it in
    the relation's own cache, so ``event.zone`` is None without a query when the zone is not
    public, whoever reads it: templates, JSON-LD, iCal, Atom. ``zone_id`` keeps the stored
    value, so code that shows a relation tests the relation (``if event.zone``), not its id.
    """

    def __iter__(self):
        opts = self.queryset.model._meta
        relations = [
            (opts.get_field(relation.relation_name), alias)
            for alias, relation in self.queryset.query._filtered_relations.items()
            if alias == PUBLIC_PREFIX + relation.relation_name
        ]
        for obj in super().__iter__():
            for field, alias in relations:
                # Not selected (e.g. select_related(None) later on): hidden, never fetched lazily.
                field.set_cached_value(obj, getattr(obj, alias, None))
            yield obj


class PublishableQuerySet(models.QuerySet):
    def published(self, now=None):
        """The single definition of "public": published and inside its publication window."""
        return self.filter(public_condition(now or timezone.now()))

    def drafts(self):
        return self.filter(is_published=False)

    def stored_values_list(self, *fields, flat=False):
        """``values_list`` of columns named as stored (``pk``, ``name_en``), without
        modeltranslation's fallback pass over each row: that pass changes nothing in them
        but costs more than the query itself for thousands of ids."""
        queryset = self.rewrite(False) if hasattr(self, "rewrite") else self
        return queryset.values_list(*fields, flat=flat)

    def with_public(self, *names, now=None, fields=None):
        """Fetch these relations with the rows, keeping only their public objects.

        A public object never shows a related one that is not public (a draft, scheduled or
        expired zone, organiser, parent or satellite event, project): this is where that is
        decided, for every page, card, feed and search result.

        - A forward relation to a publishable model (``event.zone``, ``event.parent``,
          ``organisation.zone``) is joined with ``public_condition`` in the join itself
          (``FilteredRelation`` + ``select_related``: no extra query) and reads None when
          the related object is not public.
        - A to-many relation to a publishable model (``event.organisers``,
          ``event.satellites``, ``zone.projects``) is prefetched, public rows only, into
          ``public_<name>`` (one query per relation, whatever the number of rows).
        - Relations to models without a publication state (venue, category, sector,
          speakers) are public by definition and are fetched as they are.

        ``fields`` ({relation: field names}) fetches only those fields of a prefetched
        relation's rows (a feed of a thousand events needs its organisers' names, not their
        descriptions).
        """
        now = now or timezone.now()
        queryset = self
        for name in names:
            field = self.model._meta.get_field(name)
            related = field.related_model
            publishable = issubclass(related, PublishableModel)
            if not (field.many_to_one or (field.one_to_one and field.concrete)):
                if publishable:
                    rows = related._default_manager.published(now)
                    if fields and name in fields:
                        rows = rows.only(*fields[name])
                    name = Prefetch(name, queryset=rows, to_attr=PUBLIC_PREFIX + name)
                queryset = queryset.prefetch_related(name)
            elif publishable:
                alias = PUBLIC_PREFIX + name
                queryset = queryset.annotate(
                    **{alias: FilteredRelation(name, condition=public_condition(now, name))}
                ).select_related(alias)
                if issubclass(queryset._iterable_class, ModelIterable):
                    queryset._iterable_class = PublicRelationsIterable
            else:
                queryset = queryset.select_related(name)
        return queryset

    # Bulk writes send no per-row signals; they still change public pages.
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            content_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            content_changed()
        return created


class PublishableModel(models.Model):
    """Base of every public model: a publication flag, an optional window, timestamps."""

    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published items inside their publication window are public."),
    )
    publish_from = models.DateTimeField(
        _("publish from"),
        null=True,
        blank=True,
        help_text=_("Leave empty to publish at once; set a time to schedule or embargo."),
    )
    publish_until = models.DateTimeField(
        _("publish until"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep it public; set a time to take it down automatically."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        # "publish" is what separates Publishers from Editors (see setup_roles).
        default_permissions = ("add", "change", "delete", "view", "publish")

    def is_public(self, now=None):
        now = now or timezone.now()
        return (
            self.is_published
            and (self.publish_from is None or self.publish_from <= now)
            and (self.publish_until is None or self.publish_until > now)
        )

    @classmethod
    def clock_aggregates(cls, now):
        """The MIN aggregates over published rows whose values are moments after ``now`` when
        a public page changes by the clock alone (see ``clock_changes``)."""
        return {
            "appears": Min("publish_from", filter=Q(publish_from__gt=now)),
            "expires": Min("publish_until", filter=Q(publish_until__gt=now)),
        }

    @classmethod
    def clock_changes(cls, now, horizon):
        """Moments after ``now`` when this model's public pages change without a write (one
        query); the page cache asks every publishable model. ``horizon`` is the earliest
        moment known so far: a model may skip work for changes after it."""
        row = cls._default_manager.filter(is_published=True).aggregate(**cls.clock_aggregates(now))
        return [moment for moment in row.values() if moment]


class RenditionsMixin(models.Model):
    """Renders each uploaded image of ``image_fields`` once into the sizes templates use.

    ``<field>_width`` and ``<field>_height`` hold the upright size (EXIF orientation applied),
    which templates put on ``<img>`` so pages do not jump while images load. An image that is
    replaced or cleared, and every image of a deleted object, loses its original and its
    renditions once the transaction commits (a rolled-back save deletes nothing).
    """

    image_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        rendered = getattr(self, "_rendered_images", {})
        sizes = {}
        for name in self.image_fields:
            file = getattr(self, name)
            old_name, old_width = rendered.get(name, ("", None))
            if file and file.name != old_name:
                sizes[f"{name}_width"], sizes[f"{name}_height"] = render_renditions(file)
            elif not file and getattr(self, f"{name}_width"):
                sizes[f"{name}_width"] = sizes[f"{name}_height"] = None
            if old_name and old_name != (file.name or ""):
                self._delete_files_on_commit(file.storage, old_name, old_width)
        if sizes:
            type(self)._base_manager.filter(pk=self.pk).update(**sizes)
            for attribute, value in sizes.items():
                setattr(self, attribute, value)
        self._rendered_images = self._stored_images(self.__dict__)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rendered_images = cls._stored_images(instance.__dict__)
        return instance

    @classmethod
    def _stored_images(cls, values):
        """{field: (stored name, width)} as they are in the database now."""
        images = {}
        for name in cls.image_fields:
            file = values.get(name)
            images[name] = (getattr(file, "name", file) or "", values.get(f"{name}_width"))
        return images

    def _delete_files_on_commit(self, storage, name, width):
        def delete():
            sharing = names_sharing_renditions(name)
            doomed = [] if sharing else rendition_names(name, width)
            if name not in sharing:
                doomed.append(name)
            for doomed_name in doomed:
                storage.delete(doomed_name)

        transaction.on_commit(delete, using=self._state.db, robust=True)


def names_sharing_renditions(name):
    """Stored images of any object whose renditions are those of ``name``: the same file (a
    copy made in code), or, for uploads stored before names were unique, the same stem."""
    prefix = name.rsplit(".", 1)[0] + "."
    return {
        stored
        for model in apps.get_models()
        if issubclass(model, RenditionsMixin)
        for field in model.image_fields
        for stored in model._base_manager.filter(**{f"{field}__startswith": prefix})
        .values_list(field, flat=True)
    }


def _delete_images_of_deleted_object(sender, instance, **kwargs):
    for name in instance.image_fields:
        file = getattr(instance, name)
        if file:
            instance._delete_files_on_commit(
                file.storage, file.name, getattr(instance, f"{name}_width")
            )


@receiver(class_prepared)
def _watch_deletions(sender, **kwargs):
    """Listen to the deletions of models with images only: a listener on every model would
    keep Django from deleting any row without loading it first."""
    if issubclass(sender, RenditionsMixin) and not sender._meta.abstract:
        post_delete.connect(_delete_images_of_deleted_object, sender=sender)


def require_alt_text(image, alt, field, message):
    """The alt-text rule: an image needs a description for screen readers. The admin edits
    the text per language; the English one (``<field>_en``) is required."""
    if image and not (alt or "").strip():
        raise ValidationError({f"{field}_en": message})


class ImageAltMixin(RenditionsMixin):
    """An optional illustrative image with the alt text screen readers need."""

    image_fields = ("image",)

    image = CheckedImageField(_("image"), upload_to="images/%Y/%m/", blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        require_alt_text(self.image, self.image_alt, "image_alt",
                         _("Describe the image for screen readers."))


class Sector(models.Model):
    """A field of work shared by zones (their focus areas) and organisations: park-wide, so it
    lives below both apps. Its table keeps the name it had in directory (no data moved)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "directory_sector"
        ordering = ["order", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:list") + "?" + urlencode({"sector": self.slug})


class KeyFigure(PublishableModel):
    """One of "the park in figures": a number with the date it holds for and its source."""

    class Qualifier(models.TextChoices):
        EXACT = "", _("exactly")
        MORE_THAN = "more_than", _("more than")
        CLOSE_TO = "close_to", _("close to")
        ABOUT = "about", _("about")
        UP_TO = "up_to", _("up to")

    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=Qualifier.choices, blank=True, default=""
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. km²"))
    value_text = models.CharField(
        _("value as written"), max_length=60, blank=True,
        help_text=_(
            "The value as this language writes it, shown instead of qualifier, value and unit, "
            "e.g. 近800亿元 for “close to 80 billion RMB”. Leave empty to show those three."
        ),
    )
    label = models.CharField(_("label"), max_length=150)
    as_of = models.DateField(_("as of"), help_text=_("The date this figure holds for."))
    source = models.CharField(_("source"), max_length=250)
    source_url = models.URLField(_("source link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(PublishableModel.Meta):
        ordering = ["order", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="keyfigure_value_not_negative"
            ),
        ]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.qualifier_text} {self.display_value} {self.label}".strip()

    def get_absolute_url(self):
        return reverse("home") + "#figures"

    @property
    def display_value(self):
        """The value without trailing zeros: 10749 stays whole, 2.50 becomes 2.5."""
        if self.value == self.value.to_integral_value():
            return int(self.value)
        return self.value.normalize()

    @property
    def qualifier_text(self):
        return self.get_qualifier_display() if self.qualifier else ""


class ParkProfile(models.Model):
    """The park's own introduction and contact details: one row, edited in the admin."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80)
    tagline = models.CharField(_("tagline"), max_length=250)
    introduction = models.TextField(_("introduction"))
    contact_organisation = models.CharField(_("contact organisation"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    CACHE_KEY = "lifevalley:park-profile"

    class Meta:
        # Always public: an Editor's change waits for someone who may publish it.
        default_permissions = ("add", "change", "delete", "view", "publish")
        verbose_name = _("park profile and contact details")
        verbose_name_plural = _("park profile and contact details")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls):
        """The profile, cached so that the footer costs no query on most pages."""
        profile = cache.get(cls.CACHE_KEY)
        if profile is None:
            profile = cls.objects.order_by("pk").first() or cls.placeholder()
            cache.set(cls.CACHE_KEY, profile, 300)
        return profile

    @classmethod
    def placeholder(cls):
        return cls(
            name=_("Zhongguancun Life Science Park"),
            short_name=_("Life Valley"),
            tagline="",
            introduction="",
            contact_organisation="",
        )
