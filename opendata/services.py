"""Making the downloads: when content changed since the last file, never on every request.

A file is fresh while the page cache's content version is the one it was made under and the
clock has not passed its ``valid_until`` (the next scheduled change: lifevalley/page_cache.py).
The first request after a change makes the dataset again (both formats from one pass); the
``build_open_data`` command does the same ahead of time, e.g. from cron after an import.
"""

import hashlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lifevalley.page_cache import current_version, next_change
from opendata import datasets
from opendata.models import DataFile, Licence

BUILD_LOCK_SECONDS = 300


def is_fresh(data_file, version, now):
    if version is None:  # the cache does not answer: any file made is better than none
        return True
    return data_file.content_version == str(version) and data_file.valid_until > now


def about(dataset, now):
    licence = Licence.current()
    return {
        "dataset": dataset,
        "made_at": now,
        "licence": licence.name,
        "licence_url": licence.url,
        "attribution": licence.attribution,
    }


def build_dataset(dataset, now=None):
    """Make both formats of ``dataset`` and store them, replacing the previous files."""
    now = now or timezone.now()
    version = current_version()
    valid_until = next_change(now)
    rows = list(datasets.ROWS[dataset](now))
    contents = {
        DataFile.Format.CSV: datasets.to_csv(rows),
        DataFile.Format.JSON: datasets.to_json(rows, about=about(dataset, now)),
    }
    made = []
    for file_format, content in contents.items():
        digest = hashlib.sha256(content).hexdigest()
        previous = DataFile.objects.filter(dataset=dataset, format=file_format).first()
        data_file = previous or DataFile(dataset=dataset, format=file_format)
        old_name = data_file.file.name if previous else ""
        data_file.file.save(f"lifevalley-{dataset}-{digest[:12]}.{file_format}",
                            ContentFile(content), save=False)
        data_file.size, data_file.rows, data_file.digest = len(content), len(rows), digest
        data_file.made_at, data_file.valid_until = now, valid_until
        data_file.content_version = "" if version is None else str(version)
        with transaction.atomic():
            data_file.save()
        if old_name and old_name != data_file.file.name:
            data_file.file.storage.delete(old_name)
        made.append(data_file)
    return made


def fresh_files(now=None):
    """{(dataset, format): DataFile}, making again the datasets that changed since."""
    now = now or timezone.now()
    version = current_version()
    files = {(f.dataset, f.format): f for f in DataFile.objects.all()}
    for dataset in DataFile.Dataset.values:
        have = [files.get((dataset, file_format)) for file_format in DataFile.Format.values]
        if all(have) and all(is_fresh(f, version, now) for f in have):
            continue
        # One process makes it; the others serve the previous files meanwhile (if any).
        if not all(have) or cache.add(f"opendata:building:{dataset}", 1, BUILD_LOCK_SECONDS):
            try:
                for data_file in build_dataset(dataset, now):
                    files[(dataset, data_file.format)] = data_file
            finally:
                cache.delete(f"opendata:building:{dataset}")
    return files
