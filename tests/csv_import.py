"""The organisation CSV import as staff use it: write a file, upload it, confirm the preview."""

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from directory.csv_io import COLUMN_NAMES

IMPORT = "/admin/directory/organisation/import/"


def csv_bytes(rows, columns=COLUMN_NAMES, bom=False):
    """A CSV file of ``rows`` (dicts by column; columns a row leaves out are empty)."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + output.getvalue().encode()


def upload(client, data, name="organisations.csv"):
    """Upload ``data``: the response is the preview (or the form with the file's error)."""
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def confirm(client, preview):
    """Press the preview's Confirm button."""
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    return client.post(IMPORT, {"token": token})


def import_rows(client, rows):
    """Upload ``rows`` and confirm them, as a member of staff does."""
    return confirm(client, upload(client, csv_bytes(rows)))
