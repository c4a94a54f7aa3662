from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from lifevalley.models import KeyFigure, ParkProfile

PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")


def can_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class PublishableAdmin(admin.ModelAdmin):
    """Admin base for public models: Editors save drafts, only Publishers publish."""

    actions = ["publish_selected", "unpublish_selected"]
    change_form_template = "admin/publishable_change_form.html"
    history_shown = 10
    publication_fieldset = (
        _("Publication"),
        {"fields": PUBLICATION_FIELDS, "description": _("Only Publishers can change these.")},
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        history = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=str(object_id),
            )
            .select_related("user")
            .order_by("-action_time")[: self.history_shown]
        )
        extra_context = {**(extra_context or {}), "change_history": list(history)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_publish_permission(self, request):
        return can_publish(request, self.model)

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
        for obj in queryset.exclude(is_published=value):
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


@admin.register(KeyFigure)
class KeyFigureAdmin(PublishableAdmin, TranslationAdmin):
    list_display = ("label", "qualifier", "value", "unit", "as_of", "order", "is_published")
    list_editable = ("order",)
    list_filter = ("is_published", "as_of")
    search_fields = ("label", "source")
    fieldsets = (
        (None, {"fields": ("qualifier", "value", "unit", "label", "order")}),
        (_("Provenance"), {"fields": ("as_of", "source", "source_url")}),
        PublishableAdmin.publication_fieldset,
    )


@admin.register(ParkProfile)
class ParkProfileAdmin(TranslationAdmin):
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
