from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventSourcesConfig(AppConfig):
    name = "event_sources"
    verbose_name = _("Event sources")
