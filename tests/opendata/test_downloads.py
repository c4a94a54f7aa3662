"""The bulk downloads at /data/, opened as a spreadsheet or a program would."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.models import DataFile, Licence
from tests.conftest import next_week_at

pytestmark = pytest.mark.django_db


def download(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status
    return response, b"".join(response.streaming_content)


def csv_rows(content):
    assert content.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def directory(make_organisation, make_zone, make_sector):
    zone = make_zone(slug="core")
    secret_zone = make_zone(slug="secret-zone", is_published=False)
    devices = make_sector(slug="devices")
    make_organisation(name_en="Acme Medical", name_zh_hans="艾克米医疗", slug="acme",
                      zone=zone, sectors=[devices], phone="+86-010-61703008",
                      summary="=HYPERLINK(\"http://evil.example\")")
    make_organisation(name_en="Beta Bio", slug="beta", zone=secret_zone)
    make_organisation(name_en="Hidden Draft", slug="hidden", is_published=False)


def test_directory_csv_holds_the_public_directory(client, directory):
    response, content = download(client, "/data/directory.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lifevalley-directory.csv"' in response["Content-Disposition"]
    rows = csv_rows(content)
    assert [row["slug"] for row in rows] == ["acme", "beta"]
    acme, beta = rows
    assert (acme["name_en"], acme["name_zh_hans"]) == ("Acme Medical", "艾克米医疗")
    assert (acme["zone"], acme["sectors"], acme["is_unicorn"]) == ("core", "devices", "no")
    assert acme["phone"] == "+86-010-61703008"
    assert acme["summary_en"].startswith("'=HYPERLINK")  # shown as text, never run
    assert beta["zone"] == ""  # its zone is a draft: not named
    assert acme["url"].endswith("/directory/acme/")


def test_events_json_with_uid_licence_and_date(client, make_event, make_organisation):
    host = make_organisation(slug="host")
    secret = make_organisation(slug="secret-host", is_published=False)
    event = make_event(slug="forum", organisers=[host, secret])
    make_event(slug="old-forum", starts_at=next_week_at(days=-40))
    make_event(slug="draft-forum", is_published=False)

    response, content = download(client, "/data/events.json")
    assert response["Content-Type"] == "application/json"
    document = json.loads(content)
    assert document["about"]["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["about"]["made_at"]
    records = {record["slug"]: record for record in document["records"]}
    assert set(records) == {"forum", "old-forum"}
    assert records["forum"]["uid"] == event.uid
    assert records["forum"]["organisers"] == ["host"]
    assert records["forum"]["is_all_day"] is False


def test_files_are_made_once_until_content_changes(client, directory, make_organisation):
    download(client, "/data/directory.csv")
    made = DataFile.objects.get(dataset="directory", format="csv")
    with CaptureQueriesContext(connection) as queries:
        response, _content = download(client, "/data/directory.csv")
    assert len(queries) == 1  # the stored file's row, nothing rebuilt
    assert DataFile.objects.get(pk=made.pk).made_at == made.made_at

    make_organisation(name_en="Gamma Genomics", slug="gamma")
    _response, content = download(client, "/data/directory.csv")
    assert [row["slug"] for row in csv_rows(content)] == ["acme", "beta", "gamma"]
    assert DataFile.objects.get(pk=made.pk).made_at > made.made_at


def test_download_answers_304(client, directory):
    response, _content = download(client, "/data/directory.json")
    again = client.get("/data/directory.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/data/directory.xlsx", "/data/secrets.csv", "/data/x.json"])
def test_unknown_download_is_404(client, path):
    assert client.get(path).status_code == 404


def test_catalogue_page_lists_files_with_size_licence_and_dataset_markup(
    client, directory, park_profile
):
    Licence.objects.create(name="CC BY 4.0", url="https://creativecommons.org/licenses/by/4.0/",
                           attribution="Source: ZGC Life Science Park")
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/data/directory.csv"' in html and 'href="/data/events.json"' in html
    assert "Source: ZGC Life Science Park" in html
    data = response.context["structured_data"]
    assert data["@type"] == "DataCatalog"
    assert [d["@type"] for d in data["dataset"]] == ["Dataset", "Dataset"]
    directory_dataset = data["dataset"][0]
    assert directory_dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    sizes = {d["contentUrl"].rsplit("/", 1)[1]: d["contentSize"]
             for d in directory_dataset["distribution"]}
    csv_file = DataFile.objects.get(dataset="directory", format="csv")
    assert sizes["directory.csv"] == f"{csv_file.size} B"
    assert csv_file.size == len(download(client, "/data/directory.csv")[1])
    assert '"@type": "DataCatalog"' in html
    chinese = client.get("/zh-hans/data/")
    assert chinese.status_code == 200
    assert 'href="/zh-hans/data/directory.csv"' in chinese.content.decode()


def test_licence_change_shows_on_the_cached_page(client, page_cache, directory):
    assert "CC BY 4.0" in client.get("/data/").content.decode()
    licence = Licence.current()
    licence.name, licence.url = "Open Government Licence", "https://example.org/ogl"
    licence.save()
    assert "Open Government Licence" in client.get("/data/").content.decode()


def test_command_makes_every_file(directory):
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert sorted(DataFile.objects.values_list("dataset", "format")) == [
        ("directory", "csv"), ("directory", "json"), ("events", "csv"), ("events", "json")
    ]
    assert "2 rows" in out.getvalue()


def test_publishers_edit_the_licence_and_editors_do_not(client, editor, publisher):
    Licence.current().save()
    client.force_login(editor)
    assert client.get("/admin/opendata/licence/1/change/").status_code == 403
    client.force_login(publisher)
    page = client.get("/admin/opendata/licence/1/change/")
    assert page.status_code == 200
    assert "CC BY 4.0" in page.content.decode()
