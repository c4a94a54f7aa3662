from django.conf import settings
from django.core.management.base import BaseCommand

from enquiries.models import Enquiry


class Command(BaseCommand):
    help = (
        "Delete enquiries older than ENQUIRY_RETENTION_DAYS (personal data is kept no longer). "
        "Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, dry_run=False, **options):
        old = Enquiry.objects.older_than_retention()
        if dry_run:
            self.stdout.write(f"{old.count()} enquiries are older than "
                              f"{settings.ENQUIRY_RETENTION_DAYS} days.")
            return
        deleted, _by_model = old.delete()
        self.stdout.write(f"Deleted {deleted} enquiries older than "
                          f"{settings.ENQUIRY_RETENTION_DAYS} days.")
