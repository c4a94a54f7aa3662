from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from shortlist.models import Shortlist, expiry_days


class Command(BaseCommand):
    help = (
        "Delete personal shortlists nobody has opened, changed or fetched for "
        "SHORTLIST_EXPIRY_DAYS (run daily from cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            deleted, by_model = Shortlist.objects.abandoned(timezone.now()).delete()
        lists = by_model.get("shortlist.Shortlist", 0)
        self.stdout.write(
            f"{lists} shortlist(s) unused for {expiry_days()} days deleted."
        )
