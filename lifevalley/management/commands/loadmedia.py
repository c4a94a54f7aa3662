import sys

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from lifevalley.backups import StorageNotEmpty, load_media


class Command(BaseCommand):
    help = (
        "Restore the media files of a dumpmedia archive into the (empty) media storage, "
        "under the names the database refers to."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file to read, or - for standard input")

    def handle(self, *args, archive, **options):
        try:
            if archive == "-":
                count = load_media(default_storage, sys.stdin.buffer)
            else:
                with open(archive, "rb") as file:
                    count = load_media(default_storage, file)
        except (StorageNotEmpty, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"{count} media files restored from {archive}")
