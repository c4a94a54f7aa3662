from django import template

from lifevalley.review.models import PendingChange

register = template.Library()

SHOWN = 10


@register.simple_tag
def review_dashboard(user):
    """What waits for review (all of it: everyone may see it) and this user's own rejected
    proposals, with their reasons."""
    waiting = PendingChange.objects.waiting().select_related("author", "content_type")
    rejected = PendingChange.objects.filter(
        author=user, status=PendingChange.Status.REJECTED
    ).select_related("reviewer", "content_type")
    return {
        "waiting": list(waiting[:SHOWN]),
        "waiting_count": waiting.count(),
        "rejected": list(rejected[:SHOWN]),
    }
