"""Benchmark of the events pages and feeds at scale (not collected by pytest).

    .venv/bin/python tests/bench/bench_events.py --events 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lv_events \
        .venv/bin/python tests/bench/bench_events.py --events 50000

It works in a throwaway database: a temporary SQLite file, or with DATABASE_URL set a
``bench_``-prefixed copy created next to the named PostgreSQL database and dropped at the end.
It generates the events with ``events.services.generate_events``, then times each page and
feed (median and p95 of --runs requests through Django's test client, with the query count),
and the building of a 2,000-event feed from already-fetched events. Then the feed's cache:
a cold /events/feed.ics of 1,000 events against django-ical over the same events (``pip
install django-ical``, in the dev extra), and 40 distinct ``?after=`` filters one after
another with the cache's size before and after (with REDIS_URL set: the sum of MEMORY USAGE of
the benchmark's keys; use a Redis database of its own, the benchmark clears it). ``--feed``
runs only this part.
"""

import argparse
import datetime
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


def build_section(args, settings, cache, client):
    from events import feeds, ical
    from events.models import Event

    sample = list(
        Event.objects.published().for_cards().with_public("organisers")
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
    def cold_feed():  # the feed built from nothing cached, as after a deploy
        cache.clear()
        feeds._worker_feeds.clear()
        return client.get("/events/feed.ics").content

    median, p95, data = timed(cold_feed, max(5, args.runs // 2))
    kept = data.count(b"BEGIN:VEVENT")
    print(f"/events/feed.ics built cold (byte budget {ical.FEED_MAX_BYTES:,}): "
          f"median {median:.0f} ms, p95 {p95:.0f} ms, {len(data):,} bytes, "
          f"{kept} events kept")


def django_ical_feed():
    """The feed's events and properties through django-ical, for the side-by-side timing."""
    import icalendar
    from django.conf import settings
    from django.utils import timezone
    from django_ical.views import ICalFeed

    from events import ical
    from events.models import Event
    from lifevalley.timezones import BEIJING

    def url(item):
        return settings.SITE_URL + item.get_absolute_url()

    class DjangoIcalFeed(ICalFeed):
        product_id = ical.PRODID
        timezone = ical.TZID
        title = "Life Valley events"

        def items(self):
            now = timezone.now()
            return Event.objects.published(now).for_feed(now)

        def item_guid(self, item):
            return item.uid

        def item_title(self, item):
            return ical.event_title(item)

        def item_description(self, item):
            return ical.plain_description(
                item, event_url=url(item), description_limit=ical.FEED_DESCRIPTION_CHARS
            )

        def item_link(self, item):
            return url(item)

        def item_start_datetime(self, item):
            if item.is_all_day:
                return item.local_start.date()
            return timezone.localtime(item.starts_at, BEIJING)

        def item_end_datetime(self, item):
            return item.local_end.date() if item.is_all_day else item.local_end

        def item_updateddate(self, item):
            return item.updated_at

        def item_timestamp(self, item):
            return item.updated_at

        def item_location(self, item):
            return ical.event_location(item) or None

        def item_categories(self, item):
            return [item.category.name]

        def item_status(self, item):
            return ical.ICAL_STATUS[item.status]

        def item_rrule(self, item):
            if item.rule is None:
                return None
            return icalendar.vRecur.from_ical(item.recurrence_rule)

        def item_exdate(self, item):
            return item.exdates or None

        def item_organizer(self, item):
            organisers = item.organisers_shown
            if not organisers:
                return None
            first = organisers[0]
            address = icalendar.vCalAddress(
                f"mailto:{first.email}" if first.email
                else settings.SITE_URL + first.get_absolute_url()
            )
            address.params["CN"] = first.name
            return address

    return DjangoIcalFeed()


def cache_size(cache):
    """Bytes the cache holds for this benchmark (Redis: MEMORY USAGE of its keys)."""
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):
        client = backend.get_client(None)
        pattern = cache.make_key("*")
        keys = list(client.scan_iter(match=pattern, count=1000))
        return len(keys), sum(client.memory_usage(key) or 0 for key in keys)
    return len(backend), sum(len(value) for value in backend.values())


def feed_against_django_ical(runs):
    """A cold /events/feed.ics (the cache cleared before each request) and django-ical over
    the same events, one after the other ``runs`` times: medians in ms, with what each gave.
    None when django-ical is not installed."""
    from django.core.cache import cache
    from django.test import Client, RequestFactory

    try:
        reference = django_ical_feed()
    except ImportError:
        return None
    client, factory = Client(), RequestFactory()
    ours, theirs = [], []
    for _ in range(runs):
        cache.clear()
        start = time.perf_counter()
        response = client.get("/events/feed.ics")
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        their_response = reference(factory.get("/events/feed.ics"))
        theirs.append((time.perf_counter() - start) * 1000)
    return {
        "ours_ms": statistics.median(ours),
        "django_ical_ms": statistics.median(theirs),
        "ratio": statistics.median(ours) / statistics.median(theirs),
        "events": response.content.count(b"BEGIN:VEVENT"),
        "bytes": len(response.content),
        "django_ical_events": their_response.content.count(b"BEGIN:VEVENT"),
        "django_ical_bytes": len(their_response.content),
    }


def print_feed_comparison(result):
    if result is None:
        print("  (django-ical is not installed: pip install django-ical)")
        return
    print(f"  ours        median {result['ours_ms']:6.0f} ms, {result['events']} events, "
          f"{result['bytes']:,} bytes")
    print(f"  django-ical median {result['django_ical_ms']:6.0f} ms, "
          f"{result['django_ical_events']} events, {result['django_ical_bytes']:,} bytes; "
          f"ours / django-ical = {result['ratio']:.2f}")


def feed_section(args, cache, client):
    feed = "/events/feed.ics"
    print("\nfeed: cold (cache cleared before each request) against django-ical, same events")
    print_feed_comparison(feed_against_django_ical(max(5, args.runs // 2)))
    warm = timed(lambda: client.get(feed), args.runs)
    print(f"  warm: median {warm[0]:.1f} ms")
    etag = client.get(feed)["ETag"]
    conditional = timed(lambda: client.get(feed, HTTP_IF_NONE_MATCH=etag), args.runs)
    assert conditional[2].status_code == 304
    print(f"  304 (If-None-Match): median {conditional[0]:.1f} ms")

    print("\n40 distinct ?after= filters, one after another (unfiltered feed already cached)")
    cache.clear()
    client.get(feed)
    keys_before, bytes_before = cache_size(cache)
    timings = []
    for number in range(40):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=number)
        start = time.perf_counter()
        response = client.get(f"{feed}?after={day.isoformat()}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    keys_after, bytes_after = cache_size(cache)
    print(f"  cache before: {keys_before} keys, {bytes_before / 2**20:.2f} MiB; after: "
          f"{keys_after} keys, {bytes_after / 2**20:.2f} MiB "
          f"(+{(bytes_after - bytes_before) / 2**20:.2f} MiB)")
    print(f"  server time: {sum(timings) / 1000:.2f} s in all, median "
          f"{statistics.median(timings):.0f} ms a filter (first {timings[0]:.0f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--feed", action="store_true", help="only the feed and its cache")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="lv-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifevalley.settings")
    os.environ["DJANGO_DATA_DIR"] = tmp.name
    os.environ["DJANGO_DEBUG"] = "1"
    # Bulk loading and dropping the scratch database may take longer than a request may.
    os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT_MS", "0")
    # Time rendering: the page cache would answer every repeat (bench_load.py measures it).
    os.environ.setdefault("DJANGO_PAGE_CACHE", "0")

    import django

    django.setup()
    from django.conf import settings

    # Keys of our own, so that their sizes can be summed on a shared Redis.
    settings.CACHES["default"]["KEY_PREFIX"] = f"lv-bench-{os.getpid()}"
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
        from django.test import Client
        from django.utils import timezone

        from events.models import Event
        from events.services import generate_events
        from lifevalley.timezones import BEIJING

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
        if args.feed:
            pages = []
        else:
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

        if not args.feed:
            build_section(args, settings, cache, client)
        feed_section(args, cache, client)
    finally:
        creation.destroy_test_db(test_db, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()
