"""The history of every content object: who changed what, when, from what to what; restore.

Versions are django-reversion's: every route that writes content (the change form and its
inlines, list edits and actions, CSV import, publishing a reviewed change, a restore) runs
inside ``recording(request, route)``, and reversion stores a ``Version`` (the object
serialised, many-to-many pks included, inline rows followed) of each object saved inside it.
The *route* is the revision's comment. The history page compares each version with the one
before it, field by field, and adds the Editors' proposals and the rejections
(``PendingChange``).

Scheduled publishing (``publish_from`` / ``publish_until``) takes effect by the clock, with no
write at all (``published()`` compares with now). Its moment is a fact of the stored versions,
so the history shows it derived from them: a version whose window opens or closes before the
next version was saved made the object go public or come down at that moment, on the schedule
its author set. Nothing has to run for it to be recorded, and it cannot be missed or late.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.signals import pre_save
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from reversion.models import Revision, Version

from lifevalley.review.models import PendingChange

ROUTES = {
    "add": _("Created"),
    "form": _("Changed in the form"),
    "list": _("Changed in the list"),
    "publish": _("Published (list action)"),
    "unpublish": _("Unpublished (list action)"),
    "cancel": _("Cancelled (list action)"),
    "feature": _("Featured (list action)"),
    "unfeature": _("No longer featured (list action)"),
    "duplicate": _("Made as a copy"),
    "import": _("CSV import"),
    "approve": _("Reviewed change published"),
    "restore": _("Earlier version restored"),
    "baseline": _("As it was before its history began"),
}
# Kept by the object itself, not by what staff write: a restore never sets them back.
NOT_RESTORED = {"id", "uid", "sequence", "published_at", "created_at", "updated_at",
                "series_ends_at", "image_width", "image_height", "logo_width", "logo_height"}
NOT_COMPARED = {"updated_at", "created_at", "published_at", "image_width", "image_height",
                "logo_width", "logo_height"}


@contextlib.contextmanager
def recording(request, route):
    """Every content object saved inside goes into one revision by this user and route."""
    if reversion.is_active():  # inside another route's revision: this route names it
        reversion.set_comment(route)
        yield
        return
    with reversion.create_revision():
        reversion.set_user(request.user if request.user.is_authenticated else None)
        reversion.set_comment(route)
        yield


def set_route(route):
    if reversion.is_active():
        reversion.set_comment(route)


def register_versioned(model, follow=()):
    """Keep the versions of ``model``, with the rows its ``follow`` names (the inline rows its
    form edits with it: a version holds them and a restore brings them back). Each app calls
    it from its AppConfig.ready() for its own models."""
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow)
    pre_save.connect(keep_baseline, sender=model, dispatch_uid=f"history:{model._meta.label}")


def add(obj):
    """Put ``obj`` (and the rows it follows) into the current revision, as it is now: for
    writes that send no signal (bulk UPDATE) and after inline rows changed."""
    if reversion.is_active() and reversion.is_registered(type(obj)):
        reversion.add_to_revision(obj)


def keep_baseline(sender, instance, raw=False, **kwargs):
    """pre_save: the first time an object made before its history began (demo content, the
    shell, an older release) changes, its stored state becomes its first version, so the
    change shows from what to what."""
    if raw or instance._state.adding or instance.pk is None or not reversion.is_active():
        return
    if not Version.objects.get_for_object_reference(sender, instance.pk).exists():
        keep_baselines(sender._base_manager.filter(pk=instance.pk))


def keep_baselines(queryset):
    """A first version, in a revision of its own dated by the row's last change, of each
    object in ``queryset`` that has none yet (a fixed number of queries for any number)."""
    model = queryset.model
    versioned = Version.objects.get_for_model(model).filter(
        object_id__in=[str(pk) for pk in queryset.values_list("pk", flat=True)]
    ).values_list("object_id", flat=True)
    many = [f.name for f in model._meta.many_to_many]
    missing = list(queryset.exclude(pk__in=[int(pk) for pk in versioned])
                   .prefetch_related(*many))
    if not missing:
        return
    # Before the change that asks for it (a model without ``updated_at``: just before).
    latest = reversion.get_date_created() if reversion.is_active() else timezone.now()
    revision = Revision.objects.create(
        date_created=min(min(getattr(o, "updated_at", None) or latest for o in missing),
                         latest - datetime.timedelta(microseconds=1)),
        comment="baseline",
    )
    rows = []
    for obj in missing:
        rows.append(obj)
        rows.extend(reversion.revisions._follow_relations(obj))
    Version.objects.bulk_create(
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            db=queryset.db,
            format="json",
            serialized_data=serializers.serialize("json", [row]),
            object_repr=str(row)[:191],
        )
        for row in rows
    )


def route_of_approval(pending):
    return f"approve:{pending.pk}"


def route_label(comment):
    key, _sep, _rest = (comment or "").partition(":")
    return ROUTES.get(key, comment)


def translated_originals(model):
    """modeltranslation's plain fields follow the active language: each language's own
    field is what is stored, compared and restored."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


# Showing values -----------------------------------------------------------------------------

def field_label(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def display(model, name, value, values=None):
    """A stored value as staff read it: names for relations, labels for choices. ``values``
    are the other stored fields beside it, for a model whose moments read by them (an
    all-day event's dates show without "00:00"): see ``moment_format``."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if value in (None, "", []):
        return "—"
    if model_field.many_to_many:
        related = model_field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(sorted(str(item) for item in related)) or "—"
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.FileField):
        return getattr(value, "name", value)
    value = model_field.to_python(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), moment_format(model, name, values))
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return Truncator(str(value)).chars(200)


def moment_format(model, name, values):
    """The date format of a stored moment: the model's own ``moment_format(name, values)``
    (a classmethod, given the version's other fields) says when it is not date and time."""
    chosen = getattr(model, "moment_format", None)
    return (chosen(name, values or {}) if chosen else None) or "DATETIME_FORMAT"


def stored_values(obj):
    """An object's fields as a version holds them (the context ``display`` reads)."""
    return {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields}


@dataclass
class Change:
    label: str
    before: str
    after: str


def compare(model, before, after, names=None, base=None):
    """Field by field, what differs between two dicts of stored values (each read with the
    fields of ``base`` it does not hold itself)."""
    skip = translated_originals(model) | NOT_COMPARED
    names = names or [n for n in after if n not in skip]
    before_values, after_values = {**(base or {}), **before}, {**(base or {}), **after}
    return [
        Change(field_label(model, name), display(model, name, before.get(name), before_values),
               display(model, name, after.get(name), after_values))
        for name in names
        if name in after and _normal(before.get(name)) != _normal(after.get(name))
    ]


def _normal(value):
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    return value if value not in ("", None) else None


# The history page ---------------------------------------------------------------------------

@dataclass
class Entry:
    when: datetime.datetime
    user: object
    what: str
    changes: list = field(default_factory=list)
    related: list = field(default_factory=list)  # (row name, [Change]) for inline rows
    note: str = ""
    version: Version | None = None
    restorable: bool = False

    @property
    def who(self):
        return (self.user.get_full_name() or self.user.get_username()) if self.user else "—"

    @property
    def summary(self):
        labels = [str(change.label) for change in self.changes]
        labels += [str(row) for row, _changes in self.related]
        return gettext("Changed %(fields)s.") % {"fields": ", ".join(labels)} if labels else ""


def versions_of(obj):
    return list(
        Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk")
    )


def entries(obj, now=None):
    """The object's whole history, newest first."""
    now = now or timezone.now()
    model = type(obj)
    versions = versions_of(obj)
    result = []
    previous = None
    for version in versions:
        fields = version.field_dict
        before = previous.field_dict if previous else {}
        comment = version.revision.get_comment()
        what = route_label(comment)
        if previous is None and comment in ("", "form"):
            what = ROUTES["add"]
        result.append(Entry(
            when=version.revision.date_created, user=version.revision.user, what=str(what),
            changes=compare(model, before, fields) if previous else [],
            related=_related_changes(version, previous),
            version=version, restorable=True,
        ))
        previous = version
    result.extend(_scheduled(model, versions, now))
    for pending in PendingChange.objects.for_object(obj).select_related("author", "reviewer"):
        result.extend(_pending_entries(model, pending, stored_values(obj)))
    if result:
        latest = max((e for e in result if e.version), key=lambda e: e.version.pk, default=None)
        if latest is not None:
            latest.restorable = False  # it is what is live
    return sorted(result, key=lambda e: e.when, reverse=True)


def _related_changes(version, previous):
    """Inline rows (speakers of an event) that the revision added, changed or removed."""
    followed = _followed_models(version._model)
    if not followed:
        return []

    def rows(ver):
        if ver is None:
            return {}
        return {
            (v.content_type_id, v.object_id): v
            for v in ver.revision.version_set.all()
            if v._model in followed
        }

    now_rows, then_rows = rows(version), rows(previous)
    related = []
    for key, row in now_rows.items():
        old = then_rows.get(key)
        changes = compare(row._model, old.field_dict if old else {}, row.field_dict)
        changes = [c for c in changes if c.label != field_label(row._model, _fk_name(row._model,
                                                                                   version._model))]
        if old is None:
            related.append((gettext("Added: %(row)s") % {"row": row.object_repr}, changes))
        elif changes:
            related.append((row.object_repr, changes))
    for key, old in then_rows.items():
        if key not in now_rows:
            related.append((gettext("Removed: %(row)s") % {"row": old.object_repr}, []))
    return related if previous is not None else []


def _followed_models(model):
    try:
        follow = reversion.revisions._get_options(model).follow
    except reversion.RegistrationError:
        return set()
    return {model._meta.get_field(name).related_model for name in follow}


def _fk_name(model, parent):
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model is parent:
            return model_field.name
    return ""


def _scheduled(model, versions, now):
    """When a saved publication window opened or closed by the clock alone."""
    if not any(f.name == "publish_from" for f in model._meta.concrete_fields):
        return []
    found = []
    for index, version in enumerate(versions):
        fields = version.field_dict
        if not fields.get("is_published"):
            continue
        saved = version.revision.date_created
        superseded = versions[index + 1].revision.date_created if index + 1 < len(versions) \
            else now
        for name, what in (("publish_from", _("Went public on schedule")),
                           ("publish_until", _("Taken down on schedule"))):
            moment = fields.get(name)
            if moment is not None and saved < moment <= superseded:
                found.append(Entry(
                    when=moment, user=version.revision.user, what=str(what),
                    note=gettext("scheduled by %(user)s on %(time)s") % {
                        "user": version.revision.user or "—",
                        "time": formats.date_format(timezone.localtime(saved),
                                                    "DATETIME_FORMAT"),
                    },
                ))
    return found


def _pending_entries(model, pending, base):
    proposed = compare(model, pending.before.get("fields", {}), pending.changes["fields"],
                       base=base) + \
        compare(model, pending.before.get("m2m", {}), pending.changes["m2m"])
    for inline in pending.changes.get("inlines", []):
        row_model = apps.get_model(inline["model"])
        for row in inline["rows"]:
            changed = ", ".join(str(field_label(row_model, n)) for n in row["fields"])
            proposed.append(Change(row["repr"], "", changed))
        if inline["deleted"]:
            proposed.append(Change(gettext("rows removed"), str(len(inline["deleted"])), ""))
    found = [Entry(
        when=pending.created_at, user=pending.author,
        what=gettext("Change proposed for review (%(route)s)") % {
            "route": route_label(pending.route)},
        changes=proposed,
        note=str(pending.get_status_display()),
    )]
    if pending.status == pending.Status.REJECTED:
        found.append(Entry(
            when=pending.reviewed_at, user=pending.reviewer,
            what=gettext("Proposed change rejected"),
            note=gettext("Reason: %(reason)s") % {"reason": pending.reason},
        ))
    return found


# Restore ------------------------------------------------------------------------------------

def restore(request, obj, version):
    """Make ``obj`` what ``version`` holds again (its fields, many-to-many and followed inline
    rows), saved the ordinary way so that pages, feeds and SEQUENCE follow; recorded."""
    model = type(obj)
    skip = NOT_RESTORED | translated_originals(model)
    stored = version.field_dict
    with recording(request, f"restore:{version.pk}"):
        m2m = {}
        for name, value in stored.items():
            if name in skip:
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many:
                m2m[name] = value
            elif model_field.concrete and not model_field.primary_key:
                setattr(obj, model_field.attname, value)
        obj.save()
        for name, pks in m2m.items():
            existing = model._meta.get_field(name).related_model._base_manager.filter(pk__in=pks)
            getattr(obj, name).set(existing)
        _restore_followed(obj, version)
        add(obj)


def _restore_followed(obj, version):
    model = type(obj)
    for related_model in _followed_models(model):
        fk = _fk_name(related_model, model)
        kept = [v for v in version.revision.version_set.all() if v._model is related_model]
        current = related_model._base_manager.filter(**{fk: obj})
        current.exclude(pk__in=[v.object_id for v in kept]).delete()
        for row in kept:
            instance = row._object_version.object
            setattr(instance, f"{fk}_id", obj.pk)
            instance.save()

