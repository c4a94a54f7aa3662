import datetime
import hashlib

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import DataError, router, transaction
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import NotRegistered, translator

from lifevalley import history
from lifevalley.admin_display import figure_text
from lifevalley.models import KeyFigure, ParkProfile, Sector
from lifevalley.review.workflow import HistoryMixin, ReviewedChangesMixin

PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")

# Hostile query strings. A NUL byte cannot reach PostgreSQL (psycopg refuses it with a
# ValueError, a 500), and no admin list, search or export needs a parameter longer than this.
MAX_PARAMETER_LENGTH = 1000
REFUSED_LOOKUPS = ("regex", "iregex")  # no filter offers them; a bad pattern is a database error


class BadAdminQuery(BadRequest):
    """A query string the admin refuses; shown as a 400 page with the reason."""


def check_admin_query(query):
    for key, values in query.lists():
        # The list's own query string, kept (still percent-encoded) for the way back to it.
        limit = MAX_PARAMETER_LENGTH * (10 if key == "_changelist_filters" else 1)
        for text in (key, *values):
            if "\x00" in text:
                raise BadAdminQuery(_("The address contains a NUL character."))
            if len(text) > limit:
                raise BadAdminQuery(
                    _("A value in the address is longer than %(limit)d characters.")
                    % {"limit": MAX_PARAMETER_LENGTH}
                )


class HostileQueryGuardMixin:
    """Every list, search, export and form of a ModelAdmin answers a bad query string with a
    400 page that says why, never a 500 and never a silent redirect to the unfiltered list."""

    def bad_query_response(self, request, error):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("These filters cannot be used"),
            "reason": error.args[0] if error.args else "",
        }
        return TemplateResponse(request, "admin/bad_query.html", context, status=400)

    def _refusing_bad_queries(self, view, request, *args, **kwargs):
        try:
            check_admin_query(request.GET)
            return view(request, *args, **kwargs)
        except BadAdminQuery as error:
            return self.bad_query_response(request, error)

    def changelist_view(self, request, extra_context=None):
        return self._refusing_bad_queries(super().changelist_view, request, extra_context)

    def changeform_view(self, request, *args, **kwargs):
        return self._refusing_bad_queries(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusing_bad_queries(super().delete_view, request, *args, **kwargs)

    def history_view(self, request, *args, **kwargs):
        return self._refusing_bad_queries(super().history_view, request, *args, **kwargs)

    def get_changelist_instance(self, request):
        """The change list (and so the CSV export) with filters that the database accepts.

        Django redirects to ``?e=1`` on lookups it cannot build, but values that fail only
        inside the database (an out-of-range year, a number too large for the column) raise.
        The count runs here, so every such error surfaces here, inside a savepoint that keeps
        the request's transaction usable."""
        check_admin_query(request.GET)
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            detail = str(error.args[0]) if error.args else ""
            raise BadAdminQuery(detail or _("There is no such page of this list.")) from error
        except (DataError, ValueError, OverflowError) as error:
            raise BadAdminQuery(str(error)) from error

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete view passes its ``term`` straight here.
        if "\x00" in search_term or len(search_term) > MAX_PARAMETER_LENGTH:
            raise BadAdminQuery(_("The search text cannot be used."))
        return super().get_search_results(request, queryset, search_term)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)


# Optimistic concurrency. The change form carries, in a hidden field, a digest of every stored
# value as it was when the form was opened. Saving compares it with the row locked for the
# save (SELECT ... FOR UPDATE on PostgreSQL; SQLite writes one transaction at a time), so of two
# people who opened the same record, the second to save is told what the first changed instead
# of silently writing over it. Only what this form writes is compared (its editable fields and
# its inlines): a field the form does not show cannot be overwritten from it.
EDIT_VERSION_FIELD = "_edit_version"
EDIT_VERSION_SALT = "lifevalley.admin.edit-version"
SECRET_FIELDS = ("password",)


def _digest(value):
    return hashlib.blake2b(repr(value).encode(), digest_size=6).hexdigest()


def encode_version(snapshot):
    # Signed so that a damaged or hand-made value reads as "no version", not as a dictionary.
    return signing.Signer(salt=EDIT_VERSION_SALT).sign_object(snapshot, compress=True)


def decode_version(text):
    return signing.Signer(salt=EDIT_VERSION_SALT).unsign_object(text)


def _translated_originals(model):
    """modeltranslation's original fields mirror a language field; their value follows the
    active language, so they are compared through the language fields instead."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


class EditVersionFormMixin:
    """Refuses a change saved from a form opened before someone else's save."""

    edit_version_admin = None

    def clean(self):
        cleaned_data = super().clean()
        if self.edit_version_admin is not None and not self.instance._state.adding:
            self.edit_version_admin.check_edit_version(self)
        return cleaned_data


class EditVersionModelForm(EditVersionFormMixin, forms.ModelForm):
    pass


class OptimisticLockMixin:
    """ModelAdmin mixin: a save from a stale change form is refused with a message naming the
    fields changed since it was opened and their current values; saving again then replaces
    them knowingly (the form now carries the current version)."""

    form = EditVersionModelForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not issubclass(form, EditVersionFormMixin):
            form = type(form.__name__, (EditVersionFormMixin, form), {})
        form.edit_version_admin = self
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if change and obj is not None:
            form = context["adminform"].form
            # After a POST, ``obj`` holds the submitted values; clean() kept the stored ones.
            context["edit_version"] = getattr(form, "current_edit_version", None) or (
                encode_version(self.edit_snapshot(obj))
            )
            context["edit_version_field"] = EDIT_VERSION_FIELD
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _inline_relations(self):
        for inline in self.inlines:
            for field in inline.model._meta.concrete_fields:
                if (field.is_relation and field.related_model is self.model
                        and inline.fk_name in (None, field.name)):
                    yield f"@{inline.model._meta.model_name}", inline, field
                    break

    def edit_snapshot(self, obj):
        """A short digest of each stored value: fields, many-to-many sets and inline rows."""
        skip = _translated_originals(self.model)
        snapshot = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.name in skip:
                continue
            snapshot[field.name] = _digest(field.value_to_string(obj))
        for field in obj._meta.many_to_many:
            related = getattr(obj, field.name).order_by("pk").values_list("pk", flat=True)
            snapshot[field.name] = _digest(list(related))
        for key, inline, fk in self._inline_relations():
            names = [f.attname for f in inline.model._meta.concrete_fields]
            rows = inline.model._base_manager.filter(**{fk.name: obj.pk}).order_by("pk")
            snapshot[key] = _digest(list(rows.values_list(*names)))
        return snapshot

    def check_edit_version(self, form):
        manager = self.model._base_manager
        using = router.db_for_write(self.model)
        if transaction.get_connection(using).in_atomic_block:
            manager = manager.select_for_update()  # held until the save's transaction ends
        try:
            stored = manager.using(using).get(pk=form.instance.pk)
        except self.model.DoesNotExist:
            raise ValidationError(
                _("This %(name)s was deleted after you opened it.")
                % {"name": self.opts.verbose_name}, code="deleted",
            ) from None
        current = self.edit_snapshot(stored)
        form.current_edit_version = encode_version(current)
        try:
            opened = decode_version(form.data.get(EDIT_VERSION_FIELD, ""))
        except signing.BadSignature:
            raise ValidationError(
                _("This form does not say which version of the %(name)s it was opened with, "
                  "so it cannot be saved safely. Reload the page and make your changes again.")
                % {"name": self.opts.verbose_name}, code="no_version",
            ) from None
        written = {name for name, field in form.fields.items() if not field.disabled}
        written.update(getattr(form, "extra_written_fields", ()))  # set by the form's clean()
        written.update(key for key, _inline, _fk in self._inline_relations())
        changed = [name for name in current
                   if name in written and opened.get(name) != current[name]]
        if changed:
            raise ValidationError(self.stale_message(form, stored, changed), code="stale")

    def stale_message(self, form, stored, changed):
        rows = []
        for name in changed:
            label, value = self._describe(form, stored, name)
            rows.append((label, value))
        items = format_html_join(
            "", "<li>{}: {}</li>",
            ((label, format_html("<q>{}</q>", value) if value is not None
              else gettext("changed")) for label, value in rows),
        )
        last = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(stored),
                                        object_id=str(stored.pk))
                .select_related("user").order_by("-action_time").first())
        who = ""
        if last is not None:
            who = gettext("Last saved by %(user)s on %(time)s.") % {
                "user": last.user.get_username(),
                "time": formats.date_format(timezone.localtime(last.action_time),
                                            "DATETIME_FORMAT"),
            }
        try:
            history = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                              args=[stored.pk])
        except NoReverseMatch:
            history = ""
        return format_html(
            "{} {}<br>{}<ul>{}</ul>{} {}",
            gettext("Someone else saved this %(name)s after you opened it, so your changes "
                    "were not saved.") % {"name": self.opts.verbose_name},
            who,
            gettext("Changed since you opened it (current values):"),
            items,
            format_html('<a href="{}">{}</a>', history, gettext("See the history.")) if history
            else "",
            gettext("Check the fields below, then save again to replace these values with "
                    "yours, or reload the page to start from the current version."),
        )

    def _describe(self, form, stored, name):
        """The label staff see for a changed value, and that value as text (None: not shown)."""
        if name.startswith("@"):
            for key, inline, _fk in self._inline_relations():
                if key == name:
                    label = inline.verbose_name_plural or inline.model._meta.verbose_name_plural
                    return capfirst(label), None
        field = stored._meta.get_field(name)
        form_field = form.fields.get(name)
        label = capfirst(form_field.label if form_field and form_field.label
                         else field.verbose_name)
        if name in SECRET_FIELDS:
            return label, None
        if field.many_to_many:
            value = ", ".join(str(item) for item in getattr(stored, name).all())
        elif field.is_relation:
            value = str(getattr(stored, name) or "")
        elif field.choices:
            value = str(getattr(stored, f"get_{name}_display")())
        else:
            value = field.value_from_object(stored)
            if isinstance(value, bool):
                value = gettext("yes") if value else gettext("no")
            elif isinstance(value, datetime.datetime):  # an all-day event's: a date alone
                value = formats.date_format(timezone.localtime(value), history.moment_format(
                    type(stored), name, history.stored_values(stored)))
            elif value is not None and not isinstance(value, str):
                value = formats.localize(value)
            value = str(value if value is not None else "")
        return label, Truncator(value or "—").chars(120)


class BackOfficeAdminMixin(HostileQueryGuardMixin, OptimisticLockMixin):
    """What every ModelAdmin of the back office needs: bad queries answered with a 400 page,
    and stale saves refused."""



def can_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class PublishableAdmin(BackOfficeAdminMixin, ReviewedChangesMixin, admin.ModelAdmin):
    """Admin base for public models: Editors save drafts and propose changes to published
    objects; only Publishers publish (and their own changes go live at once)."""

    actions = ["publish_selected", "unpublish_selected"]
    change_form_template = "admin/publishable_change_form.html"
    publication_fieldset = (
        _("Publication"),
        {"fields": PUBLICATION_FIELDS, "description": _("Only Publishers can change these.")},
    )

    def has_publish_permission(self, request):
        return can_publish(request, self.model)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_publish_permission(request):
            return fieldsets
        # The note explains the read-only fields to Editors; Publishers can change them.
        return [(name, {key: value for key, value in options.items() if key != "description"})
                if options is self.publication_fieldset[1] else (name, options)
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += PUBLICATION_FIELDS
        return readonly

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request) and not change:
            obj.is_published = False
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected items"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish selected items"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, value):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        changed = 0
        history.set_route("publish" if value else "unpublish")
        with transaction.atomic():
            # Locked through the pks: the list's query may be DISTINCT (a search across
            # speakers), which PostgreSQL cannot lock.
            rows = self.model._base_manager.filter(pk__in=queryset.values("pk"))
            for obj in rows.exclude(is_published=value).select_for_update():
                obj.is_published = value
                obj.save()  # save() keeps per-model invariants (timestamps, iCal sequence)
                changed += 1
        message = ngettext("%(count)d item updated.", "%(count)d items updated.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)


def image_preview(image, alt="", height=60):
    if not image:
        return "—"
    return format_html(
        # An attribute and a class, not a style attribute: the CSP allows no inline style.
        '<img src="{}" alt="{}" height="{}" class="admin-thumbnail">',
        image.url,
        alt,
        height,
    )


class ImagePreviewMixin:
    """List thumbnail and change-page preview for models with ``image`` and ``image_alt``."""

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return image_preview(obj.image, obj.image_alt, height=40)

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        return image_preview(obj.image, obj.image_alt, height=160)


class KeyFigureForm(EditVersionModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["value"] = self.instance.display_value  # 10749, not 10749.00


@admin.register(KeyFigure)
class KeyFigureAdmin(PublishableAdmin, TranslationAdmin):
    form = KeyFigureForm
    list_display = ("label", "qualifier", "value_display", "unit", "as_of", "order",
                    "is_published")
    list_editable = ("order",)
    list_filter = ("is_published", "as_of")
    search_fields = ("label", "source")
    fieldsets = (
        (None, {"fields": ("qualifier", "value", "unit", "label", "order")}),
        (_("Provenance"), {"fields": ("as_of", "source", "source_url")}),
        PublishableAdmin.publication_fieldset,
    )

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        return figure_text(obj.display_value)


@admin.register(ParkProfile)
class ParkProfileAdmin(BackOfficeAdminMixin, ReviewedChangesMixin, TranslationAdmin):
    # Always live (every page's footer): an Editor's change always waits for a Publisher.
    change_form_template = "admin/publishable_change_form.html"
    list_display = ("name", "contact_organisation", "phone", "email", "website")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "tagline", "introduction")}),
        (
            _("Contact details (shown in every page footer)"),
            {"fields": ("contact_organisation", "address", "phone", "email", "website")},
        ),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ParkProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# The accounts and roles, with the same guards as the content.
User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class BackOfficeUserAdmin(BackOfficeAdminMixin, UserAdmin):
    form = UserAdmin.form


@admin.register(Group)
class BackOfficeGroupAdmin(BackOfficeAdminMixin, GroupAdmin):
    pass



# django-axes ships no Chinese. The texts its admin pages show, listed here so that
# scripts/messages collects them into lifevalley's catalogue, which Django reads before any
# app's own: the Chinese admin then names the lock-out records too.
AXES_TEXTS = (
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("Access Attempt"), gettext_noop("Access lock out"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("HTTP Accept"),
    gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Logout Time"),
    gettext_noop("GET Data"), gettext_noop("POST Data"), gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Session key hash (sha256)"), gettext_noop("Form Data"),
    gettext_noop("Meta Data"), gettext_noop("Locked Out"), gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"), gettext_noop("Clean up expired attempts"),
)


# django-axes' lock-out records are audit logs: viewable, deletable (which unlocks), never
# edited, and under the same hostile-query guard as every other list.
class AuditLogAdminMixin(HostileQueryGuardMixin):
    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class BackOfficeAccessAttemptAdmin(AuditLogAdminMixin, AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class BackOfficeAccessLogAdmin(AuditLogAdminMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class BackOfficeAccessFailureLogAdmin(AuditLogAdminMixin, AccessFailureLogAdmin):
    pass


@admin.register(Sector)
class SectorAdmin(BackOfficeAdminMixin, HistoryMixin, TranslationAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_en", "name_zh_hans", "slug")
    prepopulated_fields = {"slug": ("name",)}
