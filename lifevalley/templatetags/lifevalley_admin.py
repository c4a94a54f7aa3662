from django import forms, template
from django.contrib.admin import widgets

from lifevalley.admin_display import when_text

register = template.Library()

TIME_WIDGETS = (forms.DateTimeInput, forms.TimeInput, forms.SplitDateTimeWidget,
                widgets.AdminSplitDateTime)
BEIJING_OFFSET_SECONDS = 8 * 3600  # China has kept UTC+8 all year since 1991


@register.filter
def admin_when(event):
    """An event's start as the back office writes it (no "00:00" for all-day events)."""
    return when_text(event)


@register.inclusion_tag("admin/includes/time_zone_note.html")
def time_zone_note(form):
    """Once per form with a date or time field: its times are Beijing time (the script adds
    the staff member's own offset when it differs), instead of a note under every field."""
    has_times = any(isinstance(field.widget, TIME_WIDGETS) for field in form.fields.values())
    return {"show": has_times, "server_offset": BEIJING_OFFSET_SECONDS}
