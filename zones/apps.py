from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = _("Zones")

    def ready(self):
        from lifevalley.history import register_versioned

        for name in ("Zone", "Project"):
            register_versioned(self.get_model(name))
