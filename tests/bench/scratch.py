"""The throwaway database the in-process benchmarks run on.

A temporary SQLite file, or ``test_<name>`` beside the PostgreSQL database of DATABASE_URL;
debug off, as in production, but static files served unhashed (no collectstatic needed). The
benchmark scripts import this module by its file name (they run as scripts, from this folder).
"""

import os
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def scratch_database(*, local_cache=False):
    """Set Django up on a new scratch database and drop it afterwards; yields the connection.

    ``local_cache`` uses the local-memory cache even when REDIS_URL is set (for timings with
    every cache cleared before each request).
    """
    scratch = Path(tempfile.mkdtemp(prefix="lv-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifevalley.settings")
    os.environ["DJANGO_DATA_DIR"] = str(scratch)
    os.environ["DJANGO_MEDIA_ROOT"] = str(scratch / "media")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    # These benchmarks time rendering; the page cache would answer every repeat without it
    # (bench_load.py measures the page cache under load).
    os.environ.setdefault("DJANGO_PAGE_CACHE", "0")
    # Bulk loading and dropping the scratch database may take longer than a request may.
    os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT_MS", "0")
    if local_cache:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {  # production-like, but without needing collectstatic first
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(scratch / "bench.sqlite3")
    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
