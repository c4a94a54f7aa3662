from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifevalleyConfig(AppConfig):
    name = "lifevalley"
    verbose_name = _("Life Valley")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate, pre_migrate
        from django.utils.module_loading import import_string

        from lifevalley import page_cache, search
        from lifevalley.history import register_versioned
        from lifevalley.observability import instrument_cache_gets

        instrument_cache_gets(import_string(settings.CACHES["default"]["BACKEND"]))
        page_cache.connect_signals()
        # SQLite's search index is derived from the tables and kept by triggers, which would
        # stop a migration from dropping a column: dropped before, remade after migrating.
        pre_migrate.connect(search.drop_sqlite_search_triggers, sender=self,
                            dispatch_uid="lifevalley:sqlite-search-triggers")
        post_migrate.connect(search.ensure_sqlite_search_tables, sender=self,
                             dispatch_uid="lifevalley:sqlite-search")
        for name in ("KeyFigure", "ParkProfile", "Sector"):
            register_versioned(self.get_model(name))
