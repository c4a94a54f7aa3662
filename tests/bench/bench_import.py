"""Benchmark the admin's CSV import of organisations: preview and save of a large file.

    .venv/bin/python tests/bench/bench_import.py --rows 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lv_bench \\
        .venv/bin/python tests/bench/bench_import.py --rows 10000

It builds its data in a scratch database (a temporary SQLite file, or ``test_<name>`` next
to the PostgreSQL database named by DATABASE_URL), loads the demo content, then goes through
the admin's import page as a superuser would, with Django's test client:

1. uploads a file of N new organisations (preview: the row-by-row report), then confirms it
   (save): N creates;
2. exports everything, changes every imported row (summary, Chinese name, sectors of every
   third row) and imports those rows: N updates.

For each request it prints the time (the whole request: reading, validating, writing,
rendering the report), the CPU time of this process in it (on a busy machine, closer to what
the request costs) and the number of queries. The scratch database is dropped at the end.
Not collected by pytest (its name does not start with ``test_``).
"""

import argparse
import csv
import io
import os
import random
import re
import time

from scratch import scratch_database

IMPORT = "/admin/directory/organisation/import/"
EXPORT = "/admin/directory/organisation/export/"


def new_rows(count, sectors, zones, seed=14):
    """``count`` realistic, clearly invented organisations as CSV rows (dicts)."""
    from directory.services import EXCHANGES, NAME_PARTS, NAME_STEMS

    rng = random.Random(seed)
    kinds = list(NAME_PARTS)
    rows = []
    for number in range(1, count + 1):
        kind = rng.choices(kinds, [80, 6, 3, 2, 1, 8])[0]
        name = f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_PARTS[kind])} {number:05d} (import)"
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        listed = kind == "enterprise" and rng.random() < 0.03
        rows.append({
            "slug": slug,
            "name": name,
            "name_zh_hans": f"生命谷导入机构{number:05d}" if number % 4 == 0 else "",
            "kind": kind,
            "summary": "Synthetic organisation made by the import benchmark.",
            "description": "A longer description of what it does in Life Valley. " * 3,
            "sectors": ";".join(rng.sample(sectors, rng.randint(1, 3))),
            "zone": rng.choice(zones),
            "website": f"https://org-{number:05d}.example",
            "founded_year": str(rng.randint(1950, 2024)) if rng.random() < 0.7 else "",
            "address": f"{number} Life Science Park Road, Changping, Beijing",
            "email": f"info@org-{number:05d}.example",
            "phone": f"+86-010-{rng.randint(60000000, 69999999)}",
            "unicorn": "yes" if kind == "enterprise" and not listed and rng.random() < 0.01
            else "no",
            "stock_exchange": rng.choice(EXCHANGES) if listed else "",
            "stock_ticker": str(rng.randint(100000, 999999)) if listed else "",
            "production_plant": "no",
            "hospital_beds": str(rng.randint(50, 800)) if kind == "hospital" else "",
            "featured": "no",
            "published": "yes",
        })
    return rows


def csv_bytes(rows, columns):
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, metavar="N")
    args = parser.parse_args()

    with scratch_database() as connection:
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command
        from django.test import Client

        from directory.csv_io import COLUMN_NAMES, MAX_IMPORT_BYTES
        from directory.models import Organisation
        from directory.services import SCALE_SECTORS
        from lifevalley.models import Sector
        from lifevalley.services import ensure_sectors
        from zones.models import Zone

        call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        ensure_sectors(SCALE_SECTORS)
        sectors = list(Sector.objects.values_list("slug", flat=True))
        zones = list(Zone.objects.values_list("slug", flat=True))
        admin = get_user_model().objects.create_superuser("bench", password="x" * 20)
        client = Client()
        client.force_login(admin)

        def request(label, data, expect):
            queries = []

            def count(execute, sql, params, many, context):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                start, cpu = time.perf_counter(), time.process_time()
                response = client.post(IMPORT, data)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            assert response.status_code == expect, (label, response.status_code)
            print(f"{label:<30} {elapsed:>7.2f} s {cpu:>7.2f} s {len(queries):>8}")
            return response

        def upload_and_confirm(what, data):
            assert len(data) <= MAX_IMPORT_BYTES, f"{len(data)} bytes is over the limit"
            preview = request(f"{what}: preview", {
                "file": SimpleUploadedFile("organisations.csv", data, "text/csv")
            }, 200)
            assert "report" in preview.context, preview.context["upload_form"].errors
            report = preview.context["report"]
            counts = (report.created, report.updated, report.unchanged, report.rejected)
            token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
            rejected = [(row.line, row.errors) for row in report.rows if row.errors][:5]
            assert token, f"created, updated, unchanged, rejected: {counts}; {rejected}"
            request(f"{what}: save", {"token": token.group(1)}, 302)
            return counts

        print(f"{connection.vendor} ({connection.settings_dict['NAME']}), {args.rows} rows")
        print(f"{'request':<30} {'time':>9} {'CPU':>9} {'queries':>8}")
        rows = new_rows(args.rows, sectors, zones)
        created = upload_and_confirm(f"{args.rows} new", csv_bytes(rows, COLUMN_NAMES))
        assert created == (args.rows, 0, 0, 0), created
        assert Organisation.objects.count() >= args.rows

        exported = client.get(EXPORT).content.decode("utf-8-sig")
        changed = []
        for number, row in enumerate(csv.DictReader(io.StringIO(exported))):
            if row["name"].endswith("(import)"):  # the demo's organisations stay out
                row["summary"] = "Updated by the import benchmark."
                row["name_zh_hans"] = f"生命谷更新机构{number:05d}"
                if number % 3 == 0:
                    row["sectors"] = sectors[number % len(sectors)]
                changed.append(row)
        updated = upload_and_confirm(f"{args.rows} updates", csv_bytes(changed, COLUMN_NAMES))
        assert updated[1] == args.rows and updated[3] == 0, updated
        assert Organisation.objects.filter(
            summary_en="Updated by the import benchmark."
        ).count() == args.rows


if __name__ == "__main__":
    main()
