from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from lifevalley.admin import PublishableAdmin
from space.models import SpaceOffer


@admin.register(SpaceOffer)
class SpaceOfferAdmin(PublishableAdmin, TranslationAdmin):
    list_display = ("name", "zone", "project", "kind", "area_m2", "available_from", "status",
                    "is_published")
    list_filter = ("is_published", "status", "kind", "zone")
    list_select_related = ("zone", "project")
    search_fields = ("name", "description")
    autocomplete_fields = ("zone", "project")
    fieldsets = (
        (None, {"fields": ("zone", "project", "kind", "name", "area_m2", "available_from",
                           "status", "description")}),
        PublishableAdmin.publication_fieldset,
    )
