from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from lifevalley.admin import ImagePreviewMixin, PublishableAdmin
from zones.models import Project, Zone


class ProjectInline(TranslationStackedInline):
    model = Project
    extra = 0
    fields = ("name", "slug", "status", "description", "image", "image_alt", "is_published")
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("zones.publish_project"):
            return ()
        return ("is_published",)


@admin.register(Zone)
class ZoneAdmin(ImagePreviewMixin, PublishableAdmin, TranslationAdmin):
    list_display = ("name", "status", "area_km2", "planned_area_km2", "order", "is_published",
                    "thumbnail")
    list_editable = ("order",)
    list_filter = ("is_published", "status", "focus_areas")
    search_fields = ("name", "tagline", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("focus_areas",)
    readonly_fields = ("image_preview",)
    inlines = [ProjectInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "description", "status", "order")}),
        (_("Size and focus"), {"fields": ("area_km2", "planned_area_km2", "focus_areas")}),
        (_("Image"), {"fields": ("image", "image_alt", "image_preview")}),
        PublishableAdmin.publication_fieldset,
    )


@admin.register(Project)
class ProjectAdmin(ImagePreviewMixin, PublishableAdmin, TranslationAdmin):
    list_display = ("name", "zone", "status", "is_published", "thumbnail")
    list_filter = ("is_published", "status", "zone")
    list_select_related = ("zone",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("zone",)
    readonly_fields = ("image_preview",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "zone", "status", "description")}),
        (_("Image"), {"fields": ("image", "image_alt", "image_preview")}),
        PublishableAdmin.publication_fieldset,
    )
