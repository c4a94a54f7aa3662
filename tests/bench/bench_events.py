"""Benchmark of the events pages and feeds at scale (not collected by pytest).

    .venv/bin/python tests/bench/bench_events.py --events 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lv_events \
        .venv/bin/python tests/bench/bench_events.py --events 50000

It works in a throwaway database: a temporary SQLite file, or with DATABASE_URL set a
``bench_``-prefixed copy created next to the named PostgreSQL database and dropped at the end.
It generates the events with ``events.services.generate_events``, then times each page and
feed (median and p95 of --runs requests through Django's test client, with the query count),
and the building of a 2,000-event feed from already-fetched events.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, runs):
    timings = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), percentile(timings, 0.95), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="lv-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifevalley.settings")
    os.environ["DJANGO_DATA_DIR"] = tmp.name
    os.environ["DJANGO_DEBUG"] = "1"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    # As in Django's own test runner: keep the one connection (an in-memory SQLite test
    # database disappears when its connection closes).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    vendor = connection.vendor
    try:
        from django.core.cache import cache
        from django.db.models import Prefetch
        from django.test import Client
        from django.utils import timezone

        from events import ical
        from events.models import BEIJING, Event
        from events.services import generate_events

        call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        start = time.perf_counter()
        created = generate_events(args.events, seed=1)
        print(f"database: {vendor}; generated {created} events in "
              f"{time.perf_counter() - start:.1f} s ({Event.objects.count()} in total)")

        client = Client()
        today = timezone.localtime(timezone.now(), BEIJING)
        zone = Event.objects.exclude(zone=None).values_list("zone__slug", flat=True).first()
        slug = Event.objects.published().upcoming(timezone.now()).values_list(
            "slug", flat=True).first()
        now = timezone.now()
        upcoming_pages = max(1, Event.objects.published().upcoming(now).count() // 20)
        past_pages = max(1, Event.objects.published().past(now).count() // 20)
        pages = [
            "/events/",
            f"/events/?page={upcoming_pages // 2 or 1}",
            f"/events/?zone={zone}&category=forum",
            "/events/?q=synthetic&after=2024-01-01",
            "/events/past/",
            f"/events/past/?page={past_pages // 2 or 1}",
            f"/events/calendar/{today.year}/{today.month}/",
            f"/events/{slug}/",
            f"/events/{slug}.ics",
            "/events/feed.atom",
            "/events/feed.ics",
            f"/events/feed.ics?zone={zone}",
            "/",
        ]
        print(f"\n{'page':48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}")
        for page in pages:
            client.get(page)
            cache.clear()  # time the feed builds, not the feed cache
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page)
            assert response.status_code == 200, (page, response.status_code)
            median, p95, response = timed(
                lambda page=page: cache.clear() or client.get(page), args.runs
            )
            print(f"{page[:48]:48} {median:10.1f} {p95:8.1f} {len(queries):8d} "
                  f"{len(response.content):9d}")

        organisers = Prefetch("organisers", to_attr="public_organisers")
        sample = list(
            Event.objects.published().for_cards().prefetch_related(organisers)
            .order_by("-starts_at")[:2000]
        )
        median, p95, data = timed(
            lambda: ical.build_calendar(sample, base_url=settings.SITE_URL, name="bench",
                                        description_limit=ical.FEED_DESCRIPTION_CHARS),
            max(5, args.runs // 2),
        )
        print(f"\nbuild_calendar of {len(sample)} events: median {median:.0f} ms, "
              f"p95 {p95:.0f} ms, {len(data):,} bytes")
        cache.clear()
        client.get("/events/feed.ics")
        median, p95, _response = timed(lambda: client.get("/events/feed.ics"), args.runs)
        print(f"/events/feed.ics from the feed cache: median {median:.1f} ms, p95 {p95:.1f} ms")
        median, p95, data = timed(
            lambda: ical.build_feed(sample, base_url=settings.SITE_URL, name="bench"),
            max(5, args.runs // 2),
        )
        kept = data.count(b"BEGIN:VEVENT")
        print(f"build_feed (byte budget {ical.FEED_MAX_BYTES:,}) of {len(sample)} events: "
              f"median {median:.0f} ms, p95 {p95:.0f} ms, {len(data):,} bytes, "
              f"{kept} events kept")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()
