from django.core.management.base import BaseCommand

from opendata.models import DataFile
from opendata.services import build_dataset


class Command(BaseCommand):
    help = "Make the open data downloads (/data/) now, e.g. after an import or from cron."

    def handle(self, *args, **options):
        for dataset in DataFile.Dataset.values:
            for data_file in build_dataset(dataset):
                self.stdout.write(
                    f"{data_file.file.name}: {data_file.rows} rows, {data_file.size} bytes"
                )
