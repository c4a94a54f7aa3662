import sys

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from lifevalley.backups import dump_media


class Command(BaseCommand):
    help = (
        "Write every file of the media storage (uploaded originals and their renditions) into "
        "a tar archive, through the storage API (local disk or object storage)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file to write, or - for standard output")

    def handle(self, *args, archive, **options):
        if archive == "-":
            count = dump_media(default_storage, sys.stdout.buffer)
        else:
            with open(archive, "wb") as file:
                count = dump_media(default_storage, file)
        self.stderr.write(f"{count} media files written to {archive}")
