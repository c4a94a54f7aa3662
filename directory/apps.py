from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from lifevalley.history import register_versioned

        for name in ("Organisation",):
            register_versioned(self.get_model(name))
