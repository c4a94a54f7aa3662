from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from lifevalley.history import register_versioned

        # An event's version holds its speakers (edited inline with it).
        register_versioned(self.get_model("Event"), follow=("speakers",))
        for name in ("Speaker", "Venue", "EventCategory"):
            register_versioned(self.get_model(name))
