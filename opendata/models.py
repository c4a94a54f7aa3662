from django.db import models
from django.utils.translation import gettext_lazy as _

from lifevalley.page_cache import content_changed

CC_BY_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"


class Licence(models.Model):
    """One row: the licence of the park's open data (CC BY 4.0 unless the park says otherwise)."""

    name = models.CharField(_("licence"), max_length=200, default=CC_BY_NAME)
    url = models.URLField(_("licence address"), default=CC_BY_URL)
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_("How re-users should credit the park, e.g. “Source: ZGC Life Science Park”."),
    )

    class Meta:
        verbose_name = _("open data licence")
        verbose_name_plural = _("open data licence")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        content_changed()  # the /data/ page names it

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class DataFile(models.Model):
    """A made download: one dataset in one format, stored through Django's storage."""

    class Dataset(models.TextChoices):
        DIRECTORY = "directory", _("Directory of organisations")
        EVENTS = "events", _("Events")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    dataset = models.CharField(_("dataset"), max_length=20, choices=Dataset.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="opendata/")
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    rows = models.PositiveIntegerField(_("rows"))
    digest = models.CharField(_("SHA-256"), max_length=64)
    made_at = models.DateTimeField(_("made"))
    # The page-cache content version it was made under, and when the clock alone may change
    # it (lifevalley/page_cache.py): the same rule that keeps cached pages fresh.
    content_version = models.CharField(max_length=40, blank=True)
    valid_until = models.DateTimeField()

    class Meta:
        ordering = ["dataset", "format"]
        verbose_name = _("open data file")
        verbose_name_plural = _("open data files")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "format"], name="datafile_one_per_format")
        ]

    def __str__(self):
        return f"{self.dataset}.{self.format}"
