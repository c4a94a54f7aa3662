from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation
from django.utils.module_loading import import_string

# Each app makes its own synthetic rows; the directory comes first because events use it.
GENERATORS = [
    ("organisations", "directory.services.generate_organisations"),
    ("events", "events.services.generate_events"),
]


class Command(BaseCommand):
    help = "Add synthetic organisations and events (all published) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=0, metavar="N")
        parser.add_argument("--events", type=int, default=0, metavar="M")

    def handle(self, *args, **options):
        for option, dotted_path in GENERATORS:
            count = options[option]
            if count < 0:
                raise CommandError(f"--{option} must be zero or more.")
            if count:
                with translation.override(settings.LANGUAGE_CODE):
                    created = import_string(dotted_path)(count)
                self.stdout.write(f"Created {created} {option}.")
        if connection.vendor == "sqlite":
            # SQLite keeps no statistics until asked (PostgreSQL's autovacuum gathers them):
            # without them its planner guesses, e.g. that an event's organisers are best found
            # by walking every organisation in name order (ten thousand of them).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
