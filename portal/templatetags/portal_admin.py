from django import template

from portal import dashboard

register = template.Library()


@register.simple_tag
def admin_dashboard(user):
    return {
        "recent": dashboard.recent_changes(user),
        "drafts": dashboard.drafts_waiting(user),
        "events": dashboard.event_alerts(user),
        "missing_chinese": dashboard.missing_chinese(user),
    }
