import csv

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.csv_io import protect_cell
from enquiries.models import Enquiry
from lifevalley.admin import BackOfficeAdminMixin

SUBMITTED_FIELDS = ("created_at", "organisation", "contact_person", "email", "phone", "sector",
                    "space_wanted", "area_m2", "timeline", "message", "consent", "zone",
                    "project", "language")
CSV_FIELDS = (*SUBMITTED_FIELDS, "status", "assigned_to", "notes")


@admin.register(Enquiry)
class EnquiryAdmin(BackOfficeAdminMixin, admin.ModelAdmin):
    """The inbox: what the company sent is read-only; staff set status, assignment, notes.

    Only staff with the enquiry permissions see it (the Enquiry handlers group, Publishers);
    Editors do not."""

    list_display = ("created_at", "organisation", "contact_person", "space_wanted", "zone",
                    "status", "assigned_to")
    list_filter = ("status", "space_wanted", "timeline", "assigned_to", "zone")
    list_select_related = ("zone", "assigned_to")
    search_fields = ("organisation", "contact_person", "email", "message")
    date_hierarchy = "created_at"
    readonly_fields = SUBMITTED_FIELDS
    fieldsets = (
        (_("Enquiry"), {"fields": SUBMITTED_FIELDS}),
        (_("Handling"), {"fields": ("status", "assigned_to", "notes")}),
    )
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False  # enquiries come from the public form only

    def has_export_permission(self, request):
        return request.user.has_perm("enquiries.export_enquiry")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Export selected enquiries to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp}.csv"'
        response.write("\ufeff")  # spreadsheets then read Chinese correctly
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        rows = queryset.select_related("sector", "zone", "project", "assigned_to")
        for enquiry in rows:
            writer.writerow([protect_cell(self.cell(enquiry, name)) for name in CSV_FIELDS])
        return response

    @staticmethod
    def cell(enquiry, name):
        value = getattr(enquiry, name)
        if name == "created_at":
            return timezone.localtime(value).isoformat()
        if name in ("space_wanted", "timeline", "status"):
            return getattr(enquiry, f"get_{name}_display")()
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)
