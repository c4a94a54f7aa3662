from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer, composing the other apps: the home page, search, the sitemap registry,
    the admin dashboard and the blocks zone and organisation pages take from later apps.
    Nothing imports from here; the settings name it."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import composition

        composition.add_page_blocks()
