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
        fields = {
            "size": len(content), "rows": len(rows), "digest": digest, "made_at": now,
            "valid_until": valid_until,
            "content_version": "" if version is None else str(version),
        }
        made.append(_store(dataset, file_format, content, fields))
    return made


def _store(dataset, file_format, content, fields):
    """Write the file, then point the one row of (dataset, format) at it. Two processes making
    the first file at once meet on the unique constraint: get_or_create takes the other's row
    and this one updates it under its lock."""
    new_file = DataFile(dataset=dataset, format=file_format).file
    new_file.save(f"lifevalley-{dataset}-{fields['digest'][:12]}.{file_format}",
                  ContentFile(content), save=False)
    with transaction.atomic():
        data_file, created = DataFile.objects.select_for_update().get_or_create(
            dataset=dataset, format=file_format, defaults={"file": new_file.name, **fields})
        old_name = "" if created else data_file.file.name
        if not created:
            data_file.file.name = new_file.name
            for name, value in fields.items():
                setattr(data_file, name, value)
            data_file.save()
    if old_name and old_name != new_file.name:
        new_file.storage.delete(old_name)
    return data_file


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
