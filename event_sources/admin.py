from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from event_sources.models import EventSource, SourceRun
from lifevalley.admin import BackOfficeAdminMixin


class SourceRunInline(admin.TabularInline):
    model = SourceRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = ("started_at", "fetched_bytes", "new", "updated", "cancelled",
                                "rejected", "error", "notes_text")
    ordering = ["-started_at"]

    @admin.display(description=_("why"))
    def notes_text(self, obj):
        return "; ".join(f"{note['uid']}: {note['reason']}" for note in obj.notes[:50])


@admin.register(EventSource)
class EventSourceAdmin(BackOfficeAdminMixin, admin.ModelAdmin):
    list_display = ("name", "url", "category", "zone", "publish_directly", "is_active")
    list_filter = ("is_active", "publish_directly", "category")
    search_fields = ("name", "url")
    autocomplete_fields = ("organisation", "zone")
    inlines = [SourceRunInline]


@admin.register(SourceRun)
class SourceRunAdmin(BackOfficeAdminMixin, admin.ModelAdmin):
    list_display = ("started_at", "source", "fetched_bytes", "new", "updated", "cancelled",
                    "rejected", "error")
    list_filter = ("source",)
    list_select_related = ("source",)
    readonly_fields = ("source", "started_at", "fetched_bytes", "new", "updated", "cancelled",
                       "rejected", "error", "notes")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
