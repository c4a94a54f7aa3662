from django.contrib import admin

from directory.models import Organisation, Sector
from lifevalley.admin import PublishableAdmin


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(PublishableAdmin):
    list_display = ("name", "kind", "zone", "is_listed", "is_unicorn", "is_published")
    list_filter = ("is_published", "kind", "zone", "is_unicorn")
    list_select_related = ("zone",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sectors", "zone")
