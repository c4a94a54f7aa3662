from django.core.management.base import BaseCommand

from lifevalley.roles import create_staff_groups


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the Editors, Publishers and Enquiry handlers staff "
        "groups: Editors add and change content and save drafts; Publishers also publish, "
        "unpublish and delete, and handle and export enquiries; Enquiry handlers answer them."
    )

    def handle(self, *args, **options):
        for name, group in create_staff_groups().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
