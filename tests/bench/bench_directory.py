"""Benchmark the directory at scale: response times and query counts of typical URLs.

    .venv/bin/python tests/bench/bench_directory.py --organisations 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lv_bench \\
        .venv/bin/python tests/bench/bench_directory.py --organisations 10000

It builds its data in a scratch database (a temporary SQLite file, or ``test_<name>`` next
to the PostgreSQL database named by DATABASE_URL), loads the demo content plus N synthetic
organisations, requests each URL repeatedly through Django's test client and prints the median
and 95th percentile times and the number of queries. The scratch database is dropped at the
end. Not collected by pytest (its name does not start with ``test_``).
"""

import argparse
import os
import statistics
import time

from scratch import scratch_database

URLS = [
    "/directory/",
    "/directory/?page=50",
    "/directory/?q=brain",
    "/directory/?q=helix+biotech&sort=newest",
    "/directory/?sector=oncology&sector=vaccines",
    "/directory/?kind=enterprise&zone=life-science-park&sort=founded",
    "/directory/?listed=yes&unicorn=no",
    "/directory/?sector=neuroscience&zone=medical-device&kind=research&q=institute",
    "/directory/beigene/",
    "/directory/chinese-institute-for-brain-research/",
    "/zones/life-science-park/",
    "/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000, metavar="N")
    parser.add_argument("--repeat", type=int, default=30, help="requests per URL")
    args = parser.parse_args()

    with scratch_database() as connection:
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("loadscale", organisations=args.organisations,
                     stdout=open(os.devnull, "w"))  # noqa: SIM115
        if connection.vendor == "postgresql":
            # As autovacuum would after a bulk load: statistics, and GIN pending lists merged.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"{connection.vendor} ({connection.settings_dict['NAME']}): loaded the demo and "
              f"{args.organisations} organisations in {time.perf_counter() - started:.1f} s")
        client = Client()
        print(f"{'URL':<76} {'median':>8} {'p95':>8} {'queries':>8}")
        for url in URLS:
            response = client.get(url)  # warm up
            assert response.status_code == 200, (url, response.status_code)
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
            print(f"{url:<76} {statistics.median(timings):>6.1f}ms {p95:>6.1f}ms "
                  f"{len(queries):>8}")


if __name__ == "__main__":
    main()
