"""Fetch every active event source and import its events (run from cron or a systemd timer)."""

import contextlib
import zlib

from django.core.management.base import BaseCommand
from django.db import connection

from event_sources.models import EventSource
from event_sources.sync import sync_source

# One number for pg_try_advisory_lock, the same on every machine sharing the database.
LOCK_KEY = zlib.crc32(b"lifevalley.sync_event_sources")


@contextlib.contextmanager
def sync_lock():
    """True when this process may sync: a PostgreSQL advisory lock held for the run, so two
    machines never sync at once. SQLite is one machine's file: no lock is needed."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


class Command(BaseCommand):
    help = "Import and update events from the registered organisations' iCal feeds."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, help="Sync only the source with this id.")

    def handle(self, *args, **options):
        with sync_lock() as acquired:
            if not acquired:
                self.stdout.write("Another sync is running; nothing done.")
                return
            sources = EventSource.objects.filter(is_active=True)
            if options["source"]:
                sources = sources.filter(pk=options["source"])
            for source in sources:
                run = sync_source(source)
                outcome = run.error or (
                    f"{run.new} new, {run.updated} updated, {run.cancelled} cancelled, "
                    f"{run.rejected} rejected"
                )
                self.stdout.write(f"{source}: {outcome}")
