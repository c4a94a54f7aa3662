from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpaceConfig(AppConfig):
    name = "space"
    verbose_name = _("Space on offer")

    def ready(self):
        from lifevalley.history import register_versioned

        for name in ("SpaceOffer",):
            register_versioned(self.get_model(name))
