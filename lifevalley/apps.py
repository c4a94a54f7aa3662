from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifevalleyConfig(AppConfig):
    name = "lifevalley"
    verbose_name = _("Life Valley")

    def ready(self):
        from lifevalley import page_cache

        page_cache.connect_signals()
