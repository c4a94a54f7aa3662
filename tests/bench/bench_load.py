"""Load benchmark: every public page under gunicorn, as requests/s and as a ratio to /healthz.

    .venv/bin/python tests/bench/bench_load.py --organisations 10000 --events 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lifevalley \\
        .venv/bin/python tests/bench/bench_load.py --organisations 10000 --events 50000

It loads the demo content plus N synthetic organisations and M events (``manage.py
loadscale``) into a scratch database: a SQLite file in a temporary folder, or
``<name>_bench`` on the PostgreSQL server of DATABASE_URL (VACUUM ANALYZE after the load;
dropped at the end). It then serves it with production settings (``DJANGO_DEBUG=0``,
collected static files, gunicorn with 2 sync workers, the page cache in Redis db
``--redis-url``, flushed first) and drives each page with wrk (Debian's ``wrk``; a threaded
Python client when it is missing) at 16 connections for ``--seconds`` each, first with the
page cache on (``DJANGO_PAGE_CACHE=1``) and then off. ``/healthz`` is measured before the
first page and after each one (``--health-seconds``); a page's ratio is its requests/s over
the mean of the two samples around it, so a busy moment of the machine weighs on both.
Non-2xx answers and socket errors are counted. Last, the cold feed (1,000 events) against
django-ical over the same events, timed in process in the same database (``bench_events.py``'s
comparison; ``pip install django-ical``, in the dev extra). Not collected by pytest.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_events import print_feed_comparison  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

SLUGS_SCRIPT = """
import json
from django.utils import timezone
from directory.models import Organisation
from events.models import Event
from zones.models import Zone
now = timezone.now()
print(json.dumps({
    "zone": Zone.objects.published().order_by("order").values_list("slug", flat=True).first(),
    "organisation": list(Organisation.objects.published().order_by("pk")
                         .values_list("slug", flat=True)[:20])[-1],
    "event": Event.objects.published().upcoming(now).values_list("slug", flat=True)[10:11].get(),
}))
"""

# The cold feed against django-ical over the same events, in the scratch database.
FEED_SCRIPT = """
import json
from django.conf import settings
settings.ALLOWED_HOSTS = ["*"]
from tests.bench.bench_events import feed_against_django_ical
print(json.dumps(feed_against_django_ical(RUNS)))
"""


def public_pages(slugs, today):
    return [
        ("home", "/"),
        ("zones", "/zones/"),
        ("zone", f"/zones/{slugs['zone']}/"),
        ("directory", "/directory/"),
        ("directory page 20", "/directory/?page=20"),
        ("directory ?q=brain", "/directory/?q=brain"),
        ("directory ?kind", "/directory/?kind=enterprise&sort=newest"),
        ("directory ?sector×2", "/directory/?sector=oncology&sector=vaccines"),
        ("directory ?zone&listed", "/directory/?zone=life-science-park&listed=yes"),
        ("organisation", f"/directory/{slugs['organisation']}/"),
        ("events", "/events/"),
        ("events ?category", "/events/?category=forum"),
        ("events ?q", "/events/?q=therapy"),
        ("past events", "/events/past/"),
        ("month grid", f"/events/calendar/{today.year}/{today.month}/"),
        ("event", f"/events/{slugs['event']}/"),
        ("search ?q=brain", "/search/?q=brain"),
        ("zh-hans events", "/zh-hans/events/"),
        ("feed.ics", "/events/feed.ics"),
    ]


# Database --------------------------------------------------------------------------------------

def scratch_database(database_url, folder):
    """(DATABASE_URL for the scratch database, a function that drops it)."""
    if not database_url:
        return "", lambda: None
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") + "_bench"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name)), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args, capture=False):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True,
                            capture_output=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


# Load generator --------------------------------------------------------------------------------

def run_wrk(url, seconds, connections):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", url],
        capture_output=True, text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return rate, (int(non_2xx.group(1)) if non_2xx else 0), errors


def run_python_client(url, seconds, connections):
    """A fallback for machines without wrk: threads looping over urllib requests."""
    counts = {"done": 0, "bad": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                    response.read()
                    bad = not 200 <= response.status < 400
                key = "bad" if bad else "done"
            except urllib.error.HTTPError:
                key = "bad"
            except OSError:
                key = "errors"
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (counts["done"] + counts["bad"]) / seconds, counts["bad"], counts["errors"]


# Server ----------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port):
    server = subprocess.Popen(
        [GUNICORN, "lifevalley.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start: " + server.stderr.read().decode())


def warm(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drain(base):
    """Wait until the workers have worked off the backlog wrk left behind (a slow page keeps
    them busy after wrk stops), so the next measurement starts from idle."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        warm(base + "/healthz")
        if time.monotonic() - started < 0.05:
            return


def flush_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def measure(env, pages, args, load):
    port = free_port()
    server = start_gunicorn(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        results = {}
        for _ in range(20):  # both workers load the URLconf, templates and connections
            warm(base + "/healthz")
            warm(base + "/")
        # Discarded: a fresh server's first run under load was seen at a fifth of the next.
        load(base + "/healthz", args.health_seconds, args.connections)
        health = [load(base + "/healthz", args.health_seconds, args.connections)]
        for name, path in pages:
            status = warm(base + path)
            warm(base + path)
            rate, bad, errors = load(base + path, args.seconds, args.connections)
            drain(base)
            health.append(load(base + "/healthz", args.health_seconds, args.connections))
            # Against /healthz just before and just after it: the machine as the page met it.
            reference = (health[-2][0] + health[-1][0]) / 2
            results[name] = (rate, bad, errors, status, reference)
            print(f"  {name:<26} {rate:>8.1f} req/s  ratio {rate / reference:.2f}  "
                  f"status {status}" + (f"  non-2xx {bad}" if bad else "")
                  + (f"  errors {errors}" if errors else ""), flush=True)
        print("  /healthz samples " + ", ".join(f"{h[0]:.0f}" for h in health) + " req/s",
              flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, health


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000, metavar="N")
    parser.add_argument("--events", type=int, default=50_000, metavar="M")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--health-seconds", type=int, default=2,
                        help="wrk duration of each /healthz sample (one between every two pages)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--modes", default="on,off", help="page cache modes to run: on,off")
    parser.add_argument("--feed-runs", type=int, default=9,
                        help="cold feeds (and django-ical feeds) timed for the comparison")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lv-load-"))
    database_url, drop_database = scratch_database(os.environ.get("DATABASE_URL", ""), folder)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "lifevalley.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain http on 127.0.0.1
        "DJANGO_DATA_DIR": str(folder),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis_url,
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    load = run_wrk if shutil.which("wrk") else run_python_client
    try:
        started = time.perf_counter()
        # Bulk loading may take longer than a request may; the server keeps the timeout.
        loading = {**env, "DJANGO_DB_STATEMENT_TIMEOUT_MS": "0"}
        manage(loading, "migrate", "--verbosity", "0")
        manage(loading, "collectstatic", "--noinput", "--verbosity", "0")
        manage(loading, "loaddemo")
        manage(loading, "loadscale", "--organisations", str(args.organisations),
               "--events", str(args.events))
        statement = "VACUUM ANALYZE" if database_url else "ANALYZE"
        manage(loading, "shell", "-c",
               f"from django.db import connection; connection.cursor().execute('{statement}')")
        slugs = json.loads(manage(env, "shell", "-c", SLUGS_SCRIPT).strip().splitlines()[-1])
        vendor = "PostgreSQL" if database_url else "SQLite"
        print(f"{vendor}: demo + {args.organisations} organisations + {args.events} events "
              f"loaded in {time.perf_counter() - started:.0f} s; wrk {args.connections} "
              f"connections, {args.seconds} s a page, gunicorn 2 sync workers"
              + ("" if load is run_wrk else " (Python client: wrk not found)"), flush=True)
        today = datetime.datetime.now(datetime.UTC).astimezone(
            datetime.timezone(datetime.timedelta(hours=8))).date()
        pages = public_pages(slugs, today)
        feed = json.loads(manage(env, "shell", "-c", FEED_SCRIPT.replace(
            "RUNS", str(args.feed_runs))).strip().splitlines()[-1])
        runs = {}
        for mode in args.modes.split(","):
            flush_redis(args.redis_url)
            print(f"page cache {mode}:", flush=True)
            runs[mode] = measure({**env, "DJANGO_PAGE_CACHE": "1" if mode == "on" else "0"},
                                 pages, args, load)
        report(runs, pages)
        print("\n/events/feed.ics built cold (cache cleared before each request), in process, "
              f"median of {args.feed_runs}, against django-ical over the same events:")
        print_feed_comparison(feed)
    finally:
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)
        flush_redis(args.redis_url)


def report(runs, pages):
    modes = list(runs)
    healthz = {mode: sum(h[0] for h in runs[mode][1]) / len(runs[mode][1]) for mode in modes}
    header = f"{'page':<26}" + "".join(f"{'req/s ' + m:>12}{'ratio':>7}" for m in modes)
    print("\n" + header + f"{'non-2xx/errors':>16}")
    line = f"{'/healthz (mean)':<26}"
    for mode in modes:
        line += f"{healthz[mode]:>12.0f}{1:>7.2f}"
    print(line)
    for name, _path in pages:
        line = f"{name:<26}"
        problems = []
        for mode in modes:
            rate, bad, errors, _status, reference = runs[mode][0][name]
            line += f"{rate:>12.1f}{rate / reference:>7.2f}"
            problems.append(f"{bad}/{errors}")
        print(line + f"{' '.join(problems):>16}")
    for mode in modes:
        ratios = [runs[mode][0][name][0] / runs[mode][0][name][4] for name, _ in pages]
        below = [name for (name, _), r in zip(pages, ratios, strict=True) if r < 0.8]
        print(f"page cache {mode}: lowest ratio {min(ratios):.2f}; below 0.8: "
              + (", ".join(below) or "none"))


if __name__ == "__main__":
    main()
