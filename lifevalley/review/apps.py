from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Editors' changes to public content waiting for a Publisher, and the versions of every
    content object (django-reversion) that the history pages and restore read. Each app
    registers its own versioned models (``lifevalley.history.register_versioned``)."""

    name = "lifevalley.review"
    label = "review"
    verbose_name = _("Review and history")
