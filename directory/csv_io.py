"""CSV import and export of organisations: the same columns both ways (see README).

Import is two steps: ``preview_import`` validates every row with a Django form and reports
what would be created, updated, left unchanged or rejected (and why); ``run_import`` repeats
that inside one transaction and saves only if no row is rejected, so a bad row changes nothing.
"""

import csv
import functools
import hashlib
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Organisation, Sector
from lifevalley.page_cache import content_changed
from zones.models import Zone

# (CSV column, model field), in file order. Booleans are "yes"/"no"; ``sectors`` holds sector
# slugs separated by ";"; ``zone`` holds a zone slug.
COLUMNS = [
    ("slug", "slug"),
    ("name", "name"),
    ("name_zh_hans", "name_zh_hans"),
    ("kind", "kind"),
    ("summary", "summary"),
    ("summary_zh_hans", "summary_zh_hans"),
    ("description", "description"),
    ("description_zh_hans", "description_zh_hans"),
    ("sectors", "sectors"),
    ("zone", "zone"),
    ("website", "website"),
    ("founded_year", "founded_year"),
    ("address", "address"),
    ("email", "email"),
    ("phone", "phone"),
    ("unicorn", "is_unicorn"),
    ("stock_exchange", "stock_exchange"),
    ("stock_ticker", "stock_ticker"),
    ("production_plant", "has_production_plant"),
    ("hospital_beds", "hospital_beds"),
    ("featured", "is_featured"),
    ("published", "is_published"),
]
COLUMN_NAMES = [column for column, _field in COLUMNS]
FIELD_COLUMNS = {model_field: column for column, model_field in COLUMNS}
REQUIRED_COLUMNS = ["name", "kind"]
SECTOR_SEPARATOR = ";"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000

# A cell that starts like a formula is exported with a leading apostrophe so spreadsheet
# programs show it as text (CSV injection); import removes that apostrophe again. Phone
# numbers such as +86-010-61703008 are plain data and stay as they are.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+\-]?[\d\s().\-]+")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, columns, size): no row is looked at."""


class YesNoField(forms.Field):
    """yes/no (also true/false, 1/0, 是/否); an empty cell is no."""

    TRUE = {"yes", "y", "true", "1", "是"}
    FALSE = {"no", "n", "false", "0", "", "否"}

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(
            gettext_lazy("Write yes or no, not “%(value)s”."), params={"value": value}
        )


class OrganisationRowForm(forms.ModelForm):
    """One CSV row, validated like the admin form (model validators, constraints, clean())."""

    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), to_field_name="slug", required=False
    )
    zone = forms.ModelChoiceField(queryset=Zone.objects.all(), to_field_name="slug", required=False)
    is_unicorn = YesNoField(required=False)
    has_production_plant = YesNoField(required=False)
    is_featured = YesNoField(required=False)
    is_published = YesNoField(required=False)

    class Meta:
        model = Organisation
        fields = [model_field for _column, model_field in COLUMNS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The file names the zone by slug; compare like with like so an untouched row is
        # reported "unchanged" (the model form's initial value is the zone's id).
        zone = self.instance.zone if self.instance.pk else None
        self.initial["zone"] = zone.slug if zone else None


def export_values(organisation):
    """The organisation as CSV cells (strings), keyed by column; sectors must be prefetched."""

    def yes_no(value):
        return "yes" if value else "no"

    def number(value):
        return "" if value is None else str(value)

    return {
        "slug": organisation.slug,
        "name": organisation.name_en or "",
        "name_zh_hans": organisation.name_zh_hans or "",
        "kind": organisation.kind,
        "summary": organisation.summary_en or "",
        "summary_zh_hans": organisation.summary_zh_hans or "",
        "description": organisation.description_en or "",
        "description_zh_hans": organisation.description_zh_hans or "",
        "sectors": SECTOR_SEPARATOR.join(sector.slug for sector in organisation.sectors.all()),
        "zone": organisation.zone.slug if organisation.zone else "",
        "website": organisation.website,
        "founded_year": number(organisation.founded_year),
        "address": organisation.address_en or "",
        "email": organisation.email,
        "phone": organisation.phone,
        "unicorn": yes_no(organisation.is_unicorn),
        "stock_exchange": organisation.stock_exchange,
        "stock_ticker": organisation.stock_ticker,
        "production_plant": yes_no(organisation.has_production_plant),
        "hospital_beds": number(organisation.hospital_beds),
        "featured": yes_no(organisation.is_featured),
        "published": yes_no(organisation.is_published),
    }


def protect_cell(value):
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unprotect_cell(value):
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def in_english(function):
    """Plain columns (``name``) are the English texts, whatever language the admin shows."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


@in_english
def write_csv(organisations, output):
    """Write the header and one row per organisation to a text stream (UTF-8 with a BOM)."""
    output.write("\ufeff")  # lets Excel open Chinese names correctly; import accepts it
    writer = csv.writer(output)
    writer.writerow(COLUMN_NAMES)
    for organisation in organisations:
        values = export_values(organisation)
        writer.writerow([protect_cell(values[column]) for column in COLUMN_NAMES])


def export_queryset(queryset):
    return queryset.select_related("zone").prefetch_related("sectors").order_by("name")


def read_csv(data):
    """The header and the data rows (line number, {column: cell}) of an uploaded file."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB. Split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("The file contains NUL bytes: it is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not any(header):
            raise ImportFileError(_("The file is empty."))
        unknown = [name for name in header if name not in COLUMN_NAMES]
        if unknown:
            raise ImportFileError(
                _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMN_NAMES)}
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise ImportFileError(_("Repeated columns: %s.") % ", ".join(repeated))
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise ImportFileError(_("Missing columns: %s.") % ", ".join(missing))
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines
            if len(rows) == MAX_IMPORT_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)d rows. Split it into smaller files.")
                    % {"max": MAX_IMPORT_ROWS}
                )
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return header, rows


@dataclass
class RowResult:
    line: int
    name: str
    action: str  # "create", "update", "unchanged" or "reject"
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    form: OrganisationRowForm | None = None


@dataclass
class ImportReport:
    rows: list[RowResult]
    saved: bool = False

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def rejected(self):
        return self.count("reject")

    @property
    def is_valid(self):
        return self.rejected == 0


@in_english
def preview_import(data, *, can_publish):
    """Validate every row of the file; nothing is written. Raises ImportFileError."""
    header, rows = read_csv(data)
    records = []
    for line, cells in rows:
        extra = len(cells) > len(header)
        cells = cells + [""] * (len(header) - len(cells))  # a short row: the rest is empty
        record = {
            column: unprotect_cell(cell.strip())
            for column, cell in zip(header, cells, strict=False)
        }
        records.append((line, record, extra))

    slugs = {record.get("slug") for _line, record, _extra in records} - {"", None}
    names = {record.get("name", "").lower() for _line, record, _extra in records} - {""}
    existing = Organisation.objects.select_related("zone").prefetch_related("sectors")
    by_slug = {o.slug: o for o in existing.filter(slug__in=slugs)}
    by_name = {
        o.name.lower(): o
        for o in existing.annotate(lower_name=Lower("name")).filter(lower_name__in=names)
    }

    results = []
    seen_slugs, seen_names = {}, {}
    for line, record, extra in records:
        result = _check_row(line, record, by_slug, by_name, can_publish)
        if extra:
            result.errors.insert(0, _("The row has more cells than the header has columns."))
        slug, name = result.form["slug"].value(), result.name.lower()
        for seen, key, message in (
            (seen_slugs, slug, _("Same slug as line %(line)d.")),
            (seen_names, name, _("Same name as line %(line)d.")),
        ):
            if key and key in seen:
                result.errors.append(message % {"line": seen[key]})
            elif key:
                seen[key] = line
        if result.errors:
            result.action = "reject"
        results.append(result)
    return ImportReport(results)


def _check_row(line, record, by_slug, by_name, can_publish):
    name = record.get("name", "")
    slug = record.get("slug", "")
    instance = by_slug.get(slug) if slug else by_name.get(name.lower())
    # Columns left out of the file keep their current value (or the default for a new row).
    values = (export_values(instance) if instance else {}) | record
    if not values.get("slug"):
        values["slug"] = _slug_for(name)
    values["kind"] = _kind_value(values.get("kind", ""))
    notes = []
    wants_published = values.get("published", "").strip().lower() in YesNoField.TRUE
    if not can_publish:
        current = instance.is_published if instance else False
        if wants_published != current:
            notes.append(
                _("“published” ignored: you may not publish or unpublish; it stays a draft.")
                if not current
                else _("“published” ignored: you may not unpublish.")
            )
        values["published"] = "yes" if current else "no"

    data = {model_field: values.get(column, "") for column, model_field in COLUMNS}
    data["sectors"] = [s.strip() for s in data["sectors"].split(SECTOR_SEPARATOR) if s.strip()]
    form = OrganisationRowForm(data=data, instance=instance)
    result = RowResult(line=line, name=name, action="create", notes=notes, form=form)
    if not form.is_valid():
        for model_field, errors in form.errors.items():
            column = FIELD_COLUMNS.get(model_field)
            for error in errors:
                result.errors.append(f"{column}: {error}" if column else error)
    elif instance is not None:
        result.action = "update" if form.has_changed() else "unchanged"
    return result


def _slug_for(name):
    """A slug from the name; names without Latin letters (e.g. Chinese) get a stable hash."""
    slug = slugify(name)[:200]
    if slug:
        return slug
    return "organisation-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def _kind_value(cell):
    """Accept the stored value ("research") or its English label ("Research institution")."""
    text = cell.strip().lower()
    for value, label in Organisation.Kind.choices:
        if text in (value, str(label).lower()):
            return value
    return cell


@in_english
def run_import(data, *, can_publish):
    """Validate and save the whole file in one transaction; a single bad row saves nothing."""
    with transaction.atomic():
        report = preview_import(data, can_publish=can_publish)
        if report.is_valid:
            for row in report.rows:
                if row.action in ("create", "update"):
                    row.form.save()
            report.saved = True
            content_changed()  # whatever way the rows were written
    return report
