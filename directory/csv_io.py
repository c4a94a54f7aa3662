"""CSV import and export of organisations: the same columns both ways (see README).

Import is two steps: ``preview_import`` validates every row as the admin form would and
reports what would be created, updated, left unchanged or rejected (and why); ``run_import``
repeats that inside one transaction and saves only if no row is rejected, so a bad row changes
nothing. Both work in bulk, in a fixed number of queries (``ExistingData``, ``RowValidator``,
``save_rows``): a 10,000-row file takes seconds, not the minutes a form and a save per row took.
"""

import copy
import csv
import functools
import hashlib
import io
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Organisation
from lifevalley import history
from lifevalley.models import Sector
from lifevalley.page_cache import content_changed
from lifevalley.review import changes as review
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


class SlugChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField by slug answered from ``by_slug``, objects read once per file."""

    by_slug = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.by_slug[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            ) from None


class SlugMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField by slug answered from ``by_slug``, read once per file."""

    by_slug = {}

    def _check_values(self, value):
        chosen = []
        for slug in dict.fromkeys(str(item) for item in value):  # file order, no repeats
            if slug not in self.by_slug:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": slug},
                )
            chosen.append(self.by_slug[slug])
        return chosen


class OrganisationRowForm(forms.ModelForm):
    """The fields of one CSV row, as the admin form validates them.

    ``RowValidator`` uses one instance's fields for a whole file rather than a form per row:
    see there.
    """

    sectors = SlugMultipleChoiceField(
        queryset=Sector.objects.all(), to_field_name="slug", required=False
    )
    zone = SlugChoiceField(queryset=Zone.objects.all(), to_field_name="slug", required=False)
    is_unicorn = YesNoField(required=False)
    has_production_plant = YesNoField(required=False)
    is_featured = YesNoField(required=False)
    is_published = YesNoField(required=False)

    class Meta:
        model = Organisation
        fields = [model_field for _column, model_field in COLUMNS]

    def __init__(self, *args, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].by_slug = existing.sectors
        self.fields["zone"].by_slug = existing.zones


# The columns that take yes or no, as the row form reads them (for the import page's help).
YES_NO_COLUMNS = [
    column for column, model_field in COLUMNS
    if isinstance(OrganisationRowForm.base_fields[model_field], YesNoField)
]


class RowValidator:
    """Validates rows as ``OrganisationRowForm`` would, in bulk, with no query per row.

    A form per row costs several milliseconds in copying fields and binding data, and its
    model checks query the database: 10,000 rows took minutes. Instead, each column's form
    field cleans each distinct value of the column once (fields are stateless; sectors and
    zone are looked up in what was read for the file); per row remain the model's own checks
    (``full_clean()`` on the fields the form has, as a ModelForm runs it, including
    ``clean()``) and the database checks, answered from ``ExistingData``
    (``check_against_existing``). The messages are the form's.
    """

    def __init__(self, existing):
        self.existing = existing
        self.fields = OrganisationRowForm(existing=existing).fields
        self.cleaned_cells = {name: {} for name in self.fields}
        self.model_fields = [
            f for f in Organisation._meta.fields
            if f.editable and not f.primary_key and f.name in self.fields
        ]
        self.not_on_form = {f.name for f in Organisation._meta.fields} - set(self.fields)
        # New organisations are copies of one blank instance: Organisation() costs about a
        # third of a row's checks (modeltranslation works out each translated default).
        self.blank = Organisation()

    def new_organisation(self):
        organisation = copy.copy(self.blank)  # Django copies the instance's state with it
        organisation._state.adding = True
        return organisation

    def clean_cell(self, name, value):
        """(cleaned value, None) or (None, ValidationError), once per distinct value."""
        cache = self.cleaned_cells[name]
        key = tuple(value) if isinstance(value, list) else value
        if key not in cache:
            try:
                cache[key] = (self.fields[name].clean(value), None)
            except ValidationError as error:
                cache[key] = (None, error)
        return cache[key]

    def check(self, data, instance):
        """(organisation with the row's values, cleaned values, changed fields, errors).

        ``errors`` maps a form field (or NON_FIELD_ERRORS) to messages, in the order a form
        would list them; the organisation is ``instance`` changed in memory, or a new one.
        """
        errors = {}
        cleaned = {}
        for name in self.fields:
            value, error = self.clean_cell(name, data[name])
            if error is None:
                cleaned[name] = value
            else:
                errors[name] = list(error.messages)
        changed = []
        if instance is not None:
            initial = forms.models.model_to_dict(instance, fields=list(self.fields))
            initial["zone"] = instance.zone.slug if instance.zone else None  # as in the file
            changed = [
                name for name, form_field in self.fields.items()
                if form_field.has_changed(initial.get(name), data[name])
            ]
        organisation = instance or self.new_organisation()
        for model_field in self.model_fields:  # as construct_instance()
            if model_field.name in cleaned:
                model_field.save_form_data(organisation, cleaned[model_field.name])
        # The model's checks, as ModelForm._post_clean runs them, minus those that query the
        # database per row: the zone's existence (the form field knew it), unique slug,
        # constraints and clean()'s name check (check_against_existing makes them).
        exclude = self.not_on_form | set(errors) | {"zone"}
        organisation.check_names_in_clean = False
        try:
            organisation.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._add_model_errors(errors, error)
        check_against_existing(organisation, errors, self.existing)
        return organisation, cleaned, changed, errors

    def _add_model_errors(self, errors, error):
        for name, messages in error.error_dict.items():
            form_field = self.fields.get(name)
            for message in messages:  # the form's own wording wins, as in a ModelForm
                if form_field is not None and message.code in form_field.error_messages:
                    message.message = form_field.error_messages[message.code]
            key = name if form_field is not None else NON_FIELD_ERRORS
            errors.setdefault(key, []).extend(ValidationError(messages).messages)


def check_against_existing(organisation, errors, existing):
    """The database checks of one row, answered from what was read for the whole file.

    These are the checks ``full_clean()`` and ``validate_unique()`` would make with a query
    each: the model's constraints, ``Organisation.check_name_is_unique`` and the unique slug.
    Names compare lower-cased, as the constraint on ``Lower("name")`` and ``iexact`` do.
    """
    failed = set(errors)

    def add(name, error):
        errors.setdefault(name, []).extend(ValidationError(error).messages)

    def taken(field_name, value, *, fold=True):
        value = (value or "").strip()
        owners = existing.owners.get((field_name, value.lower() if fold else value), set())
        return bool(value) and bool(owners - {organisation.pk})

    message = _("An organisation with this name already exists.")
    name_taken = "name" not in failed and taken("name_en", organisation.name_en)
    if name_taken:
        add("name", message)
    if "name_zh_hans" not in failed and taken("name_zh_hans", organisation.name_zh_hans):
        add("name_zh_hans", message)
    for constraint in Organisation._meta.constraints:
        if constraint.name == "organisation_name_unique_ci":
            violated = not name_taken and "name" not in failed and taken(
                "name", organisation.name
            )
        elif constraint.name == "organisation_ticker_needs_exchange":
            violated = {"stock_ticker", "stock_exchange"}.isdisjoint(failed) and bool(
                organisation.stock_ticker and not organisation.stock_exchange
            )
        else:  # a constraint this module does not know yet: correct, but a query per row
            try:
                constraint.validate(Organisation, organisation, exclude=failed)
            except ValidationError as error:
                add(NON_FIELD_ERRORS, error)
            continue
        if violated:
            add(NON_FIELD_ERRORS, ValidationError(
                constraint.get_violation_error_message(),
                code=constraint.violation_error_code,
            ))
    if "slug" not in failed and taken("slug", organisation.slug, fold=False):
        add("slug", organisation.unique_error_message(Organisation, ("slug",)))


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
    action: str  # "create", "update", "unchanged", "reject", or "review" (waits for review)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # For saving an accepted row: the organisation with the row's values, its sectors and
    # the form fields that differ from the database.
    instance: Organisation | None = None
    sectors: list[Sector] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


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
    def waiting(self):
        return self.count("review")

    @property
    def rejected(self):
        return self.count("reject")

    @property
    def is_valid(self):
        return self.rejected == 0


@dataclass
class ExistingData:
    """What validating a file needs from the database, read in a fixed number of queries.

    ``owners`` maps (field, value) to the ids of the organisations holding that slug, or that
    name (lower-cased) in the plain ``name`` column, ``name_en`` or ``name_zh_hans``: every
    organisation, so that each row's uniqueness checks are dictionary look-ups.
    """

    by_slug: dict[str, Organisation]  # the organisations the file names, with zone and sectors
    by_name: dict[str, Organisation]  # the same, by lower-cased English name
    owners: dict[tuple[str, str], set[int]]
    sectors: dict[str, Sector]
    zones: dict[str, Zone]

    @classmethod
    def read(cls, records):
        owners = {}
        slug_pks, name_pks = {}, {}
        # rewrite(False): the plain ``name`` column itself, not modeltranslation's name_en.
        everyone = Organisation.objects.rewrite(False).order_by().values_list(
            "pk", "slug", "name", "name_en", "name_zh_hans"
        )
        for pk, slug, name, name_en, name_zh_hans in everyone:
            owners.setdefault(("slug", slug), set()).add(pk)
            for field_name, value in (("name", name), ("name_en", name_en),
                                      ("name_zh_hans", name_zh_hans)):
                if value:
                    owners.setdefault((field_name, value.lower()), set()).add(pk)
            slug_pks[slug] = pk
            if name_en:
                name_pks.setdefault(name_en.lower(), pk)
        wanted = set()
        for record in records:
            slug, name = record.get("slug", ""), record.get("name", "").lower()
            pk = slug_pks.get(slug) if slug else name_pks.get(name)
            if pk is not None:
                wanted.add(pk)
        # At most MAX_IMPORT_ROWS ids: within SQLite's (and PostgreSQL's) parameter limits.
        matched = list(
            Organisation.objects.filter(pk__in=wanted)
            .select_related("zone").prefetch_related("sectors")
        ) if wanted else []
        return cls(
            by_slug={o.slug: o for o in matched},
            by_name={o.name_en.lower(): o for o in matched if o.name_en},
            owners=owners,
            sectors={sector.slug: sector for sector in Sector.objects.all()},
            zones={zone.slug: zone for zone in Zone.objects.all()},
        )


@in_english
def preview_import(data, *, can_publish):
    """Validate every row of the file; nothing is written. Raises ImportFileError.

    A fixed number of queries whatever the number of rows: ``ExistingData.read`` reads what
    the checks need, and each row is checked against it in Python.
    """
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
    existing = ExistingData.read(record for _line, record, _extra in records)
    validator = RowValidator(existing)

    results = []
    seen = {"slug": {}, "name": {}, "name_zh_hans": {}}
    messages = {
        "slug": _("Same slug as line %(line)d."),
        "name": _("Same name as line %(line)d."),
        "name_zh_hans": _("Same Chinese name as line %(line)d."),
    }
    for line, record, extra in records:
        result, keys = _check_row(line, record, existing, validator, can_publish)
        if extra:
            result.errors.insert(0, _("The row has more cells than the header has columns."))
        for key_name, key in keys.items():
            if key and key in seen[key_name]:
                result.errors.append(messages[key_name] % {"line": seen[key_name][key]})
            elif key:
                seen[key_name][key] = line
        if result.errors:
            result.action = "reject"
            result.instance = None
        results.append(result)
    return ImportReport(results)


def _check_row(line, record, existing, validator, can_publish):
    """The row's result, and the keys that must not repeat within the file."""
    name = record.get("name", "")
    slug = record.get("slug", "")
    instance = existing.by_slug.get(slug) if slug else existing.by_name.get(name.lower())
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
    organisation, cleaned, changed, errors = validator.check(data, instance)
    result = RowResult(line=line, name=name, action="create", notes=notes)
    if errors:
        for model_field, messages in errors.items():
            column = FIELD_COLUMNS.get(model_field)
            for message in messages:
                result.errors.append(f"{column}: {message}" if column else message)
    else:
        result.instance = organisation
        result.sectors = list(cleaned["sectors"])
        if instance is not None:
            result.changed = changed
            result.action = "update" if changed else "unchanged"
    keys = {
        "slug": data["slug"],
        "name": name.lower(),
        # Not when another organisation has it already: that is reported (above).
        "name_zh_hans": "" if "name_zh_hans" in errors
        else data["name_zh_hans"].strip().lower(),
    }
    return result, keys


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
def run_import(data, *, can_publish, user=None):
    """Validate and save the whole file in one transaction; a single bad row saves nothing.

    A user who may not publish changes no published organisation: those rows become changes
    waiting for a Publisher's review (``lifevalley.review``); the public sees none of them."""
    try:
        with transaction.atomic(), _real_sqlite_variable_limit():
            report = preview_import(data, can_publish=can_publish)
            if report.is_valid:
                if not can_publish:
                    propose_published_rows(report.rows, user)
                history.keep_baselines(Organisation.objects.filter(
                    pk__in=[row.instance.pk for row in report.rows if row.action == "update"]))
                save_rows(report.rows)
                record_versions(report.rows)
                report.saved = True
                content_changed()  # bulk writes send no signals: cached pages must renew
    except IntegrityError:  # another session wrote a clashing row since the checks
        raise ImportFileError(
            _("Another change to the organisations got in the way; nothing was imported. "
              "Upload the file again.")
        ) from None
    return report


def propose_published_rows(rows, user):
    """Rows that would change a published organisation wait for review instead."""
    originals = history.translated_originals(Organisation)
    for row in rows:
        if row.action != "update" or not row.instance.is_published:
            continue
        fields = [name for name in _columns_of(row.changed) if name not in originals]
        m2m = {"sectors": [s.pk for s in row.sectors]} if "sectors" in row.changed else {}
        review.propose(user, row.instance, fields=fields, m2m=m2m, route="import")
        row.action = "review"


def record_versions(rows):
    """A version of each organisation the import wrote (bulk writes send no signals)."""
    written = [row.instance.pk for row in rows if row.action in ("create", "update")]
    for start in range(0, len(written), BATCH_SIZE * 4):
        chunk = written[start:start + BATCH_SIZE * 4]
        for organisation in Organisation.objects.filter(pk__in=chunk).prefetch_related("sectors"):
            history.add(organisation)


# Rows per INSERT or UPDATE statement: a 10,000-row file is 20 of each, and statements stay
# well inside SQLite's 32,766 parameters (a row has about 35 columns).
BATCH_SIZE = 500


def save_rows(rows):
    """Write the accepted rows in bulk: a few statements per BATCH_SIZE rows, not per row.

    This writes what ``form.save()`` (``Organisation.save()`` and the sectors) would, row by
    row, and nothing less:

    - timestamps: bulk_create fills ``created_at`` and ``updated_at`` (their ``pre_save``);
      updated rows get ``updated_at`` here; unchanged rows are not written at all;
    - translations: the form sets ``name`` in English (imports run in English), which sets
      ``name_en`` too; both columns are written, as ``save()`` writes them (through
      modeltranslation's QuerySet, ``bulk_update`` would map ``name`` onto ``name_en`` and
      never write the plain column);
    - ``RenditionsMixin.save()`` renders logos: the import never sets one, so there is none to
      render. No signal receivers listen to organisations or their sectors (a test checks
      this), and the search indexes are expression indexes the database keeps up to date;
    - sectors: the through-model rows, replaced for rows whose sectors changed.
    """
    now = timezone.now()
    created = [row for row in rows if row.action == "create"]
    updated = [row for row in rows if row.action == "update"]
    Organisation.objects.bulk_create([row.instance for row in created], batch_size=BATCH_SIZE)
    if any(row.instance.pk is None for row in created):  # no RETURNING on this database
        pks = dict(Organisation.objects.filter(
            slug__in=[row.instance.slug for row in created]
        ).values_list("slug", "pk"))
        for row in created:
            row.instance.pk = pks[row.instance.slug]
    if updated:
        for row in updated:
            row.instance.updated_at = now
        fields = _columns_of({name for row in updated for name in row.changed})
        _update_all([row.instance for row in updated], [*fields, "updated_at"])
    through = Organisation.sectors.through
    resectored = [row for row in updated if "sectors" in row.changed]
    if resectored:
        through.objects.filter(
            organisation_id__in=[row.instance.pk for row in resectored]
        ).delete()
    through.objects.bulk_create(
        [
            through(organisation_id=row.instance.pk, sector_id=sector.pk)
            for row in created + resectored
            for sector in row.sectors
        ],
        batch_size=BATCH_SIZE * 4,
    )


def _update_all(organisations, field_names):
    """UPDATE these fields of each organisation, in a few statements.

    ``bulk_update()`` builds a CASE expression per field and row in Python, about a
    millisecond a row (10,000 rows: minutes). On PostgreSQL one ``UPDATE … FROM (VALUES …)``
    per BATCH_SIZE rows; on SQLite one statement prepared once and run for every row
    (``executemany``; SQLite runs it in-process). Table and column names come from the model;
    the values are parameters, through each field's ``get_db_prep_save`` as ``save()`` sends
    them.
    """
    meta = Organisation._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    rows = [
        [o.pk] + [f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields]
        for o in organisations
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                [row[1:] + row[:1] for row in rows],
            )
            return
        names = ", ".join([pk, *(quote(f.column) for f in fields)])
        assignments = ", ".join(
            f"{quote(f.column)} = v.{quote(f.column)}::{f.db_type(connection)}" for f in fields
        )
        placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start:start + BATCH_SIZE]
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([placeholder] * len(batch))}) AS v({names}) "
                f"WHERE t.{pk} = v.{pk}",
                [value for row in batch for value in row],
            )


def _columns_of(form_fields):
    """The model fields to write for these changed form fields: a translated field's plain
    column and every language's column with it (what save() writes), no M2M."""

    def base(model_field):  # name_zh_hans → name
        translated = getattr(model_field, "translated_field", None)
        return translated.name if translated else model_field.name

    concrete = [f for f in Organisation._meta.concrete_fields if not f.primary_key]
    touched = {base(f) for f in concrete if f.name in form_fields}
    return [f.name for f in concrete if base(f) in touched]


@contextmanager
def _real_sqlite_variable_limit():
    """Let bulk statements use SQLite's real limit of parameters while the import writes.

    Django 5.2 assumes the pre-3.32 default of 999 and would split each bulk write into
    statements of 28 rows; SQLite 3.32+ allows 32,766 (Debian builds 250,000). Django 6.0
    reads the limit from the connection itself (ticket #36143).
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    features.max_query_params = connection.connection.getlimit(
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
    )
    try:
        yield
    finally:
        del features.max_query_params  # back to the class's 999
