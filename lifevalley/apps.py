from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifevalleyConfig(AppConfig):
    name = "lifevalley"
    verbose_name = _("Life Valley")

    def ready(self):
        from django.conf import settings
        from django.utils.module_loading import import_string

        from lifevalley import page_cache
        from lifevalley.observability import instrument_cache_gets

        instrument_cache_gets(import_string(settings.CACHES["default"]["BACKEND"]))
        page_cache.connect_signals()
