"""Editors propose, Publishers publish: changes to live content kept aside until reviewed.

A change an Editor makes to a live object (a published zone, project, organisation, event or
key figure, or the park profile, which is always live) is not written to the object. Only the
fields it changes are stored in a ``PendingChange``, so nothing the public sees moves: not the
page, the page cache, the feeds, nor the iCal ``SEQUENCE`` and ``LAST-MODIFIED``. Publishing
it sets those fields and saves the object the ordinary way (``save()``, signals, one version
in the history); rejecting it records the reason the Editor then reads.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from lifevalley import history
from lifevalley.review.models import PendingChange


def may_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def is_live(obj):
    """Whether the stored object is public content: published (now or by its schedule), or
    a model without a publication state (the park profile)."""
    if obj.pk is None:
        return False
    if not any(f.name == "is_published" for f in obj._meta.concrete_fields):
        return True
    return type(obj)._base_manager.filter(pk=obj.pk, is_published=True).exists()


def needs_review(user, obj):
    return not may_publish(user, type(obj)) and is_live(obj)


def encode(field, obj):
    """The stored value of ``field`` on ``obj`` as JSON can hold it (DjangoJSONEncoder)."""
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name or ""
    return value


def decode(field, value):
    if isinstance(field, models.FileField):
        return value
    return field.to_python(value)


def _store_new_files(obj, names):
    """An uploaded file is written to storage now (under a fresh name nothing links to)."""
    for name in names:
        field = obj._meta.get_field(name)
        if isinstance(field, models.FileField):
            field.pre_save(obj, add=False)


def _stored(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def propose(user, obj, *, fields=(), m2m=None, inlines=(), route):
    """Keep the changed ``fields`` of ``obj`` (set in memory, not saved) and the ``m2m`` pks
    as a change waiting for review. Returns the PendingChange, or None if nothing changed."""
    m2m = m2m or {}
    stored = _stored(obj)
    fields = [name for name in fields if not _same(obj, stored, name)]
    changes = {
        "fields": {name: encode(obj._meta.get_field(name), obj) for name in fields},
        "m2m": {name: sorted(pks) for name, pks in m2m.items()},
        "inlines": list(inlines),
    }
    before = {
        "fields": {name: encode(obj._meta.get_field(name), stored) for name in fields},
        "m2m": {name: sorted(getattr(stored, name).values_list("pk", flat=True)) for name in m2m},
    }
    if not (changes["fields"] or changes["m2m"] or changes["inlines"]):
        return None
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(stored)[:250],
        route=route,
        changes=changes,
        before=before,
        author=user,
    )


def _same(obj, stored, name):
    """A browser sends a text area's line breaks as CRLF: not a change."""
    field = obj._meta.get_field(name)
    new, old = encode(field, obj), encode(field, stored)
    if isinstance(new, str) and isinstance(old, str):
        return new.replace("\r\n", "\n") == old.replace("\r\n", "\n")
    return new == old


def propose_from_form(user, obj, form, formsets, route="form"):
    """The change an admin change form (and its inlines) would have saved."""
    fields, m2m = [], {}
    for name in form.changed_data:
        if not _model_field(obj, name):
            continue  # a form-only field is not stored
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = [item.pk for item in form.cleaned_data[name]]
        elif field.concrete:
            fields.append(name)
    _store_new_files(obj, fields)
    inlines = [rows for rows in (inline_changes(formset) for formset in formsets) if rows]
    return propose(user, obj, fields=fields, m2m=m2m, inlines=inlines, route=route)


def inline_changes(formset):
    """The rows an inline formset would add, change and delete, or None."""
    if not formset.has_changed():
        return None
    model = formset.model
    rows, deleted = [], []
    for form in formset.forms:
        if form in formset.deleted_forms:
            if form.instance.pk:
                deleted.append(form.instance.pk)
            continue
        if not form.has_changed():
            continue
        instance = form.instance
        names = [n for n in form.changed_data if _concrete(model, n)]
        if instance.pk is None:  # a new row: every field it has
            names = [n for n in form.fields if _concrete(model, n) and n != formset.fk.name]
        _store_new_files(instance, names)
        rows.append({
            "pk": instance.pk,
            "repr": str(instance),
            "fields": {n: encode(model._meta.get_field(n), instance) for n in names},
        })
    if not (rows or deleted):
        return None
    return {"model": model._meta.label_lower, "fk": formset.fk.name, "rows": rows,
            "deleted": deleted}


def _model_field(obj, name):
    try:
        return obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _concrete(model, name):
    field = _model_field(model, name)
    if field is None:
        return False
    return field.concrete and not field.primary_key and not field.many_to_many


def apply(obj, changes):
    """Write a change to the live object the ordinary way (save(), signals, versions)."""
    for name, value in changes.get("fields", {}).items():
        field = obj._meta.get_field(name)
        setattr(obj, field.attname, decode(field, value))
    obj.save()
    for name, pks in changes.get("m2m", {}).items():
        getattr(obj, name).set(pks)
    for inline in changes.get("inlines", []):
        model = ContentType.objects.get_by_natural_key(*inline["model"].split(".")).model_class()
        rows = model._base_manager.filter(**{inline["fk"]: obj})
        for doomed in rows.filter(pk__in=inline["deleted"]):
            doomed.delete()
        for row in inline["rows"]:
            instance = rows.filter(pk=row["pk"]).first() if row["pk"] else None
            if instance is None:
                instance = model(**{inline["fk"]: obj})
            for name, value in row["fields"].items():
                field = model._meta.get_field(name)
                setattr(instance, field.attname, decode(field, value))
            instance.save()
    history.add(obj)  # again, now with its related rows as they are


def publish(pending, request):
    if not may_publish(request.user, pending.model):
        raise PermissionDenied
    with transaction.atomic():
        pending = PendingChange.objects.select_for_update().get(pk=pending.pk)
        if pending.status != PendingChange.Status.WAITING:
            return False
        obj = pending.model._base_manager.select_for_update().get(pk=pending.object_id)
        with history.recording(request, history.route_of_approval(pending)):
            apply(obj, pending.changes)
        _close(pending, request.user, PendingChange.Status.PUBLISHED)
    return True


def reject(pending, request, reason):
    if not may_publish(request.user, pending.model):
        raise PermissionDenied
    with transaction.atomic():
        pending = PendingChange.objects.select_for_update().get(pk=pending.pk)
        if pending.status != PendingChange.Status.WAITING:
            return False
        pending.reason = reason
        _close(pending, request.user, PendingChange.Status.REJECTED)
    return True


def _close(pending, reviewer, status):
    pending.status = status
    pending.reviewer = reviewer
    pending.reviewed_at = timezone.now()
    pending.save(update_fields=["status", "reviewer", "reviewed_at", "reason"])
