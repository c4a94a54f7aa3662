"""Every public page, uncached, as a ratio to an event page measured in the same run.

    .venv/bin/python tests/bench/bench_pages.py                       # 10,000 / 50,000, SQLite
    .venv/bin/python tests/bench/bench_pages.py --organisations 100 --events 500
    .venv/bin/python tests/bench/bench_pages.py --growth-from 100 500   # and the growth
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lv_bench \\
        .venv/bin/python tests/bench/bench_pages.py

It builds a scratch database (a temporary SQLite file, or ``test_<name>`` beside the
PostgreSQL database of DATABASE_URL, dropped at the end), loads the demo content plus the
synthetic organisations and events of ``loadscale``, then requests each public page through
Django's test client with every cache cleared before each request (debug off). It prints the
median time, its ratio to the event page's median, and the query count. The machine is shared
and noisy, so read the ratios, not the milliseconds: the pages are timed in rounds, each round
requesting every page once, so that a busy moment slows all of them alike.
"""

import argparse
import os
import statistics
import time

from scratch import scratch_database


def public_urls():
    """The pages to time, named; the event page comes first (the others are read against it)."""
    from django.utils import timezone

    from directory.models import Organisation
    from events.models import Event
    from lifevalley.timezones import BEIJING
    from zones.models import Zone

    now = timezone.now()
    today = timezone.localtime(now, BEIJING).date()
    event = Event.objects.published(now).upcoming(now).filter(title__contains="(sample)").first()
    organisation = Organisation.objects.published(now).get(slug="beigene")
    zone = Zone.objects.published(now).get(slug="life-science-park")
    deep_page = max(1, min(50, Organisation.objects.published(now).count() // 24))
    return [
        ("event page", event.get_absolute_url()),
        ("home", "/"),
        ("zones", "/zones/"),
        ("zone page", zone.get_absolute_url()),
        ("directory", "/directory/"),
        (f"directory page {deep_page}", f"/directory/?page={deep_page}"),
        ("directory q=anxin", "/directory/?q=anxin"),
        ("directory q=brain", "/directory/?q=brain"),
        ("directory q=helix biotech, newest", "/directory/?q=helix+biotech&sort=newest"),
        ("directory 2 sectors", "/directory/?sector=oncology&sector=vaccines"),
        ("directory kind+zone+founded",
         "/directory/?kind=enterprise&zone=life-science-park&sort=founded"),
        ("directory listed+unicorn", "/directory/?listed=yes&unicorn=no"),
        ("directory 4 filters",
         "/directory/?sector=neuroscience&zone=medical-device&kind=research&q=institute"),
        ("organisation page", organisation.get_absolute_url()),
        ("events", "/events/"),
        ("events zone+category", "/events/?zone=frontier-technology&category=forum"),
        ("events q+after", "/events/?q=synthetic&after=2024-01-01"),
        ("past events", "/events/past/"),
        ("month grid (this month)", f"/events/calendar/{today.year}/{today.month:02d}/"),
        ("search q=anxin", "/search/?q=anxin"),
        ("search q=brain", "/search/?q=brain"),
        ("search q=脑", "/search/?q=%E8%84%91"),
        ("zh-hans home", "/zh-hans/"),
        ("zh-hans directory", "/zh-hans/directory/"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000, metavar="N")
    parser.add_argument("--events", type=int, default=50_000, metavar="M")
    parser.add_argument("--rounds", type=int, default=15, help="requests per page")
    parser.add_argument(
        "--growth-from", type=int, nargs=2, metavar=("N", "M"),
        help="time the pages at N organisations / M events first, then add rows up to the "
             "full size and time them again: each page's growth (e.g. --growth-from 100 500)",
    )
    args = parser.parse_args()

    with scratch_database(local_cache=True) as connection:
        from django.core.management import call_command

        devnull = open(os.devnull, "w")  # noqa: SIM115

        def load(organisations, events):
            call_command("loadscale", organisations=organisations, events=events, stdout=devnull)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # as autovacuum would after a bulk load
                    cursor.execute("VACUUM ANALYZE")

        started = time.perf_counter()
        call_command("loaddemo", stdout=devnull)
        small = None
        if args.growth_from:
            organisations, events = args.growth_from
            load(organisations, events)
            print(f"{connection.vendor}: demo + {organisations} organisations + {events} events")
            small = time_pages(connection, args.rounds)
            print_timings(small)
            load(args.organisations - organisations, args.events - events)
        else:
            load(args.organisations, args.events)
        print(f"\n{connection.vendor}: demo + {args.organisations} organisations + "
              f"{args.events} events (loaded in {time.perf_counter() - started:.0f} s)")
        large = time_pages(connection, args.rounds)
        print_timings(large)
        if small:
            print_growth(small, large)


def time_pages(connection, rounds):
    """[(name, median ms, queries)] of every public page, the event page first."""
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def clear_caches():
        for cache in caches.all():
            cache.clear()

    from django.utils import translation

    client = Client()
    with translation.override("en"):  # the last request may have left Chinese active
        pages = public_urls()
    queries = {}
    for _name, url in pages:  # warm up (imports, template loading) and count queries
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[url] = len(captured)
    timings = {url: [] for _name, url in pages}
    for _ in range(rounds):
        for _name, url in pages:
            clear_caches()
            start = time.perf_counter()
            client.get(url)
            timings[url].append((time.perf_counter() - start) * 1000)
    return [(name, statistics.median(timings[url]), queries[url]) for name, url in pages]


def print_timings(timed):
    floor = timed[0][1]
    print(f"{'page':<36} {'median':>9} {'× event':>8} {'queries':>8}")
    for name, median, queries in timed:
        print(f"{name:<36} {median:>7.1f}ms {median / floor:>8.2f} {queries:>8}")


def print_growth(small, large):
    """Each page's time at full size over its time at the small size (pages in the same
    order; a page that names a row, such as "directory page 4", is its deepest page)."""
    print(f"\n{'growth, small → full size':<36} {'small':>9} {'full':>9} {'growth':>7}")
    for (name, before, _), (_, after, _) in zip(small, large, strict=True):
        print(f"{name:<36} {before:>7.1f}ms {after:>7.1f}ms {after / before:>7.2f}")


if __name__ == "__main__":
    main()
