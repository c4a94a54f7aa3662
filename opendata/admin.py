from django.contrib import admin

from lifevalley.admin import BackOfficeAdminMixin
from opendata.models import DataFile, Licence


@admin.register(Licence)
class LicenceAdmin(BackOfficeAdminMixin, admin.ModelAdmin):
    """The one licence row: staff edit it; there is nothing to add or delete."""

    list_display = ["name", "url", "attribution"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Licence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataFile)
class DataFileAdmin(BackOfficeAdminMixin, admin.ModelAdmin):
    """What the downloads hold now; made by the site, never edited."""

    list_display = ["dataset", "format", "rows", "size", "made_at"]
    readonly_fields = [field.name for field in DataFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
