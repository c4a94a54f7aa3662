from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.module_loading import import_string

# Each app seeds its own content; order matters (zones before organisations before events).
DEMO_SEEDERS = [
    "lifevalley.services.seed_park",
    "zones.services.seed_zones",
    "directory.services.seed_directory",
    "events.services.seed_events",
]


class Command(BaseCommand):
    help = (
        "Load the Life Valley demo content from the source article. Idempotent: rows that "
        "already exist, including those staff edited, are left as they are."
    )

    def handle(self, *args, **options):
        # Plain field names (``name``) mean English: write them whatever language is active.
        with translation.override(settings.LANGUAGE_CODE):
            for dotted_path in DEMO_SEEDERS:
                import_string(dotted_path)()
                if options["verbosity"] > 1:
                    self.stdout.write(f"  {dotted_path}: done")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
