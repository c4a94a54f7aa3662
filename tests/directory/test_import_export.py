import csv
import io
import re

import pytest
from django.urls import reverse

from directory.csv_io import COLUMN_NAMES
from directory.models import Organisation
from tests.csv_import import IMPORT, confirm, csv_bytes, upload

pytestmark = pytest.mark.django_db

EXPORT = "/admin/directory/organisation/export/"


def thousand_rows(sectors, zone):
    rows = []
    for number in range(1000):
        rows.append({
            "slug": f"biotech-{number:04d}",
            "name": f"Changping Biotech {number:04d}",
            "kind": "enterprise" if number % 10 else "research",
            "summary": "Cell and gene therapy",
            "sectors": ";".join(s.slug for s in sectors[: 1 + number % 2]),
            "zone": zone.slug,
            "website": f"https://biotech-{number}.example",
            "founded_year": str(1990 + number % 30),
            "email": f"info@biotech-{number}.example",
            "phone": "+86-010-61703008",
            "unicorn": "yes" if number == 7 else "no",
            "stock_exchange": "SSE" if number == 8 else "",
            "stock_ticker": "688001" if number == 8 else "",
            "production_plant": "no",
            "featured": "no",
            "published": "yes",
        })
    return rows


def test_import_of_1000_rows_with_two_bad_rows_writes_nothing_then_succeeds_when_fixed(
    publisher_client, make_sector, make_zone
):
    sectors = [make_sector(slug="cell-and-gene-therapy"), make_sector(slug="synthetic-biology")]
    zone = make_zone(slug="frontier-technology")
    rows = thousand_rows(sectors, zone)
    rows[99]["kind"] = "spaceship"
    rows[500]["founded_year"] = "next year"

    preview = upload(publisher_client, csv_bytes(rows))
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.created, report.updated, report.rejected) == (998, 0, 2)
    rejected = [(row.line, row.errors) for row in report.rows if row.action == "reject"]
    assert rejected == [
        (101, ["kind: Select a valid choice. spaceship is not one of the available choices."]),
        (502, ["founded_year: Enter a whole number."]),
    ]
    assert 'name="token"' not in preview.content.decode()
    assert Organisation.objects.count() == 0

    rows[99]["kind"] = "research"
    rows[500]["founded_year"] = "2001"
    preview = upload(publisher_client, csv_bytes(rows))
    assert (preview.context["report"].created, preview.context["report"].rejected) == (1000, 0)
    assert Organisation.objects.count() == 0  # nothing before the confirm step
    response = confirm(publisher_client, preview)
    assert response.status_code == 302
    assert Organisation.objects.count() == 1000
    assert Organisation.objects.published().count() == 1000
    beigene_like = Organisation.objects.get(slug="biotech-0008")
    assert (beigene_like.is_listed, beigene_like.listing) == (True, "SSE:688001")
    assert set(Organisation.objects.get(slug="biotech-0001").sectors.values_list(
        "slug", flat=True)) == {"cell-and-gene-therapy", "synthetic-biology"}

    export = publisher_client.get(EXPORT)
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    exported = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    expected = [{column: row.get(column, "") for column in COLUMN_NAMES} for row in rows]
    for row in expected:
        row["hospital_beds"] = ""
    assert sorted(exported, key=lambda r: r["slug"]) == expected


def test_export_then_import_changes_nothing(publisher_client, make_organisation, make_sector,
                                            make_zone):
    make_organisation(name="BeiGene", sectors=[make_sector()], zone=make_zone(),
                      stock_exchange="HKEX",
                      stock_ticker="06160", phone="+86-010-61703008")
    make_organisation(name="=HYPERLINK(\"http://evil.example\")", summary="@SUM(1+1)")
    exported = publisher_client.get(EXPORT).content
    assert b"'=HYPERLINK" in exported and b"'@SUM" in exported
    assert b",+86-010-61703008," in exported
    report = upload(publisher_client, exported).context["report"]
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 2, 0)
    confirm(publisher_client, upload(publisher_client, exported))
    assert set(Organisation.objects.values_list("name", "summary")) == {
        ("BeiGene", "A company in the park"),
        ("=HYPERLINK(\"http://evil.example\")", "@SUM(1+1)"),
    }


@pytest.mark.parametrize("bom", [True, False])
def test_import_reads_utf8_with_or_without_bom_and_chinese_names(publisher_client, bom):
    rows = [
        {"name": "北京生命科学研究所", "kind": "research", "summary": "国家级科研机构"},
        {"name": "Beijing GoBroad Hospital", "kind": "Hospital", "founded_year": "2023"},
    ]
    preview = upload(publisher_client, csv_bytes(rows, ["name", "kind", "summary",
                                                        "founded_year"], bom=bom))
    assert [row.action for row in preview.context["report"].rows] == ["create", "create"]
    confirm(publisher_client, preview)
    chinese = Organisation.objects.get(name="北京生命科学研究所")
    assert (chinese.summary, chinese.kind) == ("国家级科研机构", "research")
    assert chinese.slug.startswith("organisation-")
    assert Organisation.objects.get(slug="beijing-gobroad-hospital").kind == "hospital"


def test_import_updates_by_slug_or_name_and_keeps_columns_left_out(publisher_client,
                                                                   make_organisation):
    by_slug = make_organisation(name="SINOVAC", slug="sinovac", summary="Vaccines",
                                website="https://sinovac.example")
    by_name = make_organisation(name="Novo Nordisk", summary="Old summary")
    rows = [
        {"slug": "sinovac", "name": "SINOVAC Biotech", "kind": "enterprise"},
        {"slug": "", "name": "NOVO NORDISK", "kind": "enterprise", "summary": "Plant"},
    ]
    preview = upload(publisher_client, csv_bytes(rows, ["slug", "name", "kind", "summary"]))
    assert [row.action for row in preview.context["report"].rows] == ["update", "update"]
    confirm(publisher_client, preview)
    by_slug.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_slug.name, by_slug.summary, by_slug.website) == (
        "SINOVAC Biotech", "", "https://sinovac.example"
    )
    assert (by_name.name, by_name.summary) == ("NOVO NORDISK", "Plant")


def test_import_rejects_duplicates_within_the_file(publisher_client):
    rows = [{"name": "BeiGene", "kind": "enterprise"}, {"name": "beigene", "kind": "enterprise"}]
    report = upload(publisher_client, csv_bytes(rows, ["name", "kind"])).context["report"]
    assert [(row.action, row.errors) for row in report.rows] == [
        ("create", []),
        ("reject", ["Same slug as line 2.", "Same name as line 2."]),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name,kind\nBeiGene,enterprise\n".encode("utf-16"), "not UTF-8"),
        ("名称,kind\n北京,research\n".encode("gb18030"), "not UTF-8"),
        (b"name,kind,colour\nBeiGene,enterprise,blue\n", "Unknown columns: colour"),
        (b"name,summary\nBeiGene,x\n", "Missing columns: kind"),
        (b"", "The submitted file is empty"),
        (b"\n\n", "The file is empty"),
        (b"name,kind\nBei\x00Gene,enterprise\n", "NUL bytes"),
    ],
)
def test_import_refuses_unreadable_files_with_a_clear_message(publisher_client, data, message):
    response = upload(publisher_client, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "report" not in response.context


def test_editor_import_cannot_publish(editor_client, make_organisation):
    draft = make_organisation(name="Changping Laboratory", slug="changping-laboratory",
                              is_published=False)
    live = make_organisation(name="BeiGene", slug="beigene", is_published=True)
    rows = [
        {"slug": "changping-laboratory", "name": "Changping Laboratory", "kind": "research",
         "published": "yes"},
        {"slug": "beigene", "name": "BeiGene", "kind": "enterprise", "published": "no"},
        {"slug": "sinovac", "name": "SINOVAC", "kind": "enterprise", "published": "yes"},
    ]
    preview = upload(editor_client, csv_bytes(rows, ["slug", "name", "kind", "published"]))
    report = preview.context["report"]
    assert all(row.notes for row in report.rows)
    confirm(editor_client, preview)
    assert Organisation.objects.get(pk=draft.pk).is_published is False
    assert Organisation.objects.get(pk=live.pk).is_published is True
    assert Organisation.objects.get(slug="sinovac").is_published is False


def test_import_needs_add_and_change_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x" * 16, is_staff=True)
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, b"name,kind\nX,enterprise\n").status_code == 403
    assert Organisation.objects.count() == 0


def test_import_confirm_refuses_a_tampered_or_foreign_token(publisher_client, editor,
                                                            client):
    preview = upload(publisher_client, b"name,kind\nBeiGene,enterprise\n")
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    response = publisher_client.post(IMPORT, {"token": token[:-2] + "xx"}, follow=True)
    assert "could not be confirmed" in response.content.decode()
    client.force_login(editor)
    client.post(IMPORT, {"token": token})
    assert Organisation.objects.count() == 0


def test_import_confirm_revalidates_rows_changed_since_the_preview(publisher_client,
                                                                   make_organisation):
    preview = upload(publisher_client, b"name,kind\nBeiGene,enterprise\nSINOVAC,enterprise\n")
    make_organisation(name="SINOVAC Biotech", slug="sinovac")  # created meanwhile
    response = confirm(publisher_client, preview)
    assert response.status_code == 200
    assert response.context["report"].rejected == 1
    assert "Nothing was imported" in response.content.decode()
    assert list(Organisation.objects.values_list("name", flat=True)) == ["SINOVAC Biotech"]


def test_export_follows_the_change_list_filters(publisher_client, make_organisation):
    make_organisation(name="Changping Laboratory", kind="research")
    make_organisation(name="BeiGene", kind="enterprise")
    response = publisher_client.get(EXPORT + "?kind__exact=research")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["Changping Laboratory"]
    assert list(rows[0]) == COLUMN_NAMES


def test_import_page_describes_the_columns_the_import_reads(publisher_client):
    """The help is made from csv_io's definitions: it names what the import really reads."""
    html = publisher_client.get(IMPORT).content.decode()
    header = re.search(r"<p><code>(.*?)</code></p>", html).group(1)
    assert re.sub(r"</?strong>|<wbr>", "", header).split(",") == COLUMN_NAMES  # may wrap at commas
    assert re.findall(r"<strong>(\w+)</strong>", header) == ["name", "kind"]
    assert ("<code>enterprise</code> (Enterprise), <code>research</code> (Research institution)"
            in html)
    assert "separated by “;”" in html
    assert "Yes/no columns (unicorn, production_plant, featured, published): yes or no." in html


def test_change_list_links_to_import_and_export(publisher_client):
    html = publisher_client.get(reverse("admin:directory_organisation_changelist")).content
    assert IMPORT.encode() in html and EXPORT.encode() in html


def realistic_file(size, sectors, zone, make_organisation):
    """A third of the rows update existing organisations, a third leave theirs unchanged and
    a third create new ones; with sectors, zone, Chinese names and a listed company."""
    third = size // 3
    existing = [
        make_organisation(name=f"Huaxin Biotech {n:04d}", slug=f"huaxin-{n:04d}",
                          sectors=sectors[: 1 + n % 2], zone=zone, founded_year=2000 + n % 20,
                          website=f"https://huaxin-{n}.example")
        for n in range(2 * third)
    ]
    rows = []
    for n, organisation in enumerate(existing):
        row = {"slug": organisation.slug, "name": organisation.name, "kind": "enterprise",
               "summary": organisation.summary,
               "sectors": ";".join(s.slug for s in sectors[: 1 + n % 2]), "zone": zone.slug,
               "founded_year": str(organisation.founded_year),
               "website": organisation.website, "published": "yes"}
        if n < third:  # updates: new summary and Chinese name; every other one new sectors
            row |= {"summary": "Updated from the spreadsheet", "name_zh_hans": f"华新{n:04d}"}
            if n % 2:
                row["sectors"] = sectors[2].slug
        rows.append(row)
    for n in range(size - 2 * third):
        rows.append({"slug": "", "name": f"Lumina Therapeutics {n:04d}", "kind": "research",
                     "summary": "New in the park", "sectors": sectors[2].slug,
                     "zone": zone.slug, "founded_year": "2024", "stock_exchange": "SSE",
                     "stock_ticker": f"{688000 + n}", "published": "yes"})
    return rows


@pytest.mark.parametrize("size", [50, 300])
def test_import_runs_a_fixed_number_of_queries_whatever_the_row_count(
    size, publisher_client, make_organisation, make_sector, make_zone,
    django_assert_max_num_queries,
):
    sectors = [make_sector(slug="oncology"), make_sector(slug="vaccines"),
               make_sector(slug="medical-devices")]
    zone = make_zone(slug="life-science-park")
    rows = realistic_file(size, sectors, zone, make_organisation)
    third = size // 3

    with django_assert_max_num_queries(11):
        preview = upload(publisher_client, csv_bytes(rows))
    report = preview.context["report"]
    new = size - 2 * third
    assert (report.created, report.updated, report.unchanged, report.rejected) == (
        new, third, third, 0)
    # + the history: baselines (2), the rows again with their sectors (2), the revision, its
    # versions (in batches) and the existence check reversion makes.
    with django_assert_max_num_queries(30):
        assert confirm(publisher_client, preview).status_code == 302

    assert Organisation.objects.count() == size
    assert Organisation.objects.filter(summary="Updated from the spreadsheet").count() == third
    updated = Organisation.objects.get(slug="huaxin-0001")
    assert (updated.name_zh_hans, list(updated.sectors.values_list("slug", flat=True))) == (
        "华新0001", ["medical-devices"])
    created = Organisation.objects.get(slug="lumina-therapeutics-0000")
    assert (created.kind, created.zone, created.listing, created.is_published) == (
        "research", zone, "SSE:688000", True)
    assert list(created.sectors.values_list("slug", flat=True)) == ["medical-devices"]


def test_import_with_one_bad_row_among_many_writes_nothing(
    publisher_client, make_organisation, make_sector, make_zone
):
    sectors = [make_sector(slug="oncology"), make_sector(slug="vaccines"),
               make_sector(slug="medical-devices")]
    zone = make_zone(slug="life-science-park")
    rows = realistic_file(300, sectors, zone, make_organisation)
    before = sorted(Organisation.objects.values_list("slug", "summary", "updated_at"))
    memberships = sorted(Organisation.sectors.through.objects.values_list(
        "organisation_id", "sector_id"))
    preview = upload(publisher_client, csv_bytes(rows))
    assert preview.context["report"].rejected == 0
    # Meanwhile another member of staff takes the slug of the file's last new organisation.
    make_organisation(name="Lumina Therapeutics (other)", slug="lumina-therapeutics-0099")

    response = confirm(publisher_client, preview)
    report = response.context["report"]
    assert [(row.line, row.errors) for row in report.rows if row.action == "reject"] == [
        (301, ["slug: Organisation with this Slug already exists."])]
    assert "Nothing was imported" in response.content.decode()
    assert sorted(Organisation.objects.exclude(slug="lumina-therapeutics-0099").values_list(
        "slug", "summary", "updated_at")) == before
    assert sorted(Organisation.sectors.through.objects.values_list(
        "organisation_id", "sector_id")) == memberships


def test_import_rejects_names_other_organisations_have(publisher_client, make_organisation):
    make_organisation(name="BeiGene", slug="beigene", name_zh_hans="百济神州")
    make_organisation(name="SINOVAC", slug="sinovac")
    rows = [
        {"slug": "beigene-2", "name": "beigene", "name_zh_hans": "", "kind": "enterprise"},
        {"slug": "sinovac", "name": "SINOVAC", "name_zh_hans": "百济神州", "kind": "enterprise"},
        {"slug": "", "name": "Lumina", "name_zh_hans": "华新", "kind": "research"},
        {"slug": "", "name": "Helix", "name_zh_hans": "华新", "kind": "research"},
    ]
    report = upload(publisher_client, csv_bytes(rows, ["slug", "name", "name_zh_hans", "kind"])
                    ).context["report"]
    assert [(row.action, row.errors) for row in report.rows] == [
        ("reject", ["name: An organisation with this name already exists."]),
        ("reject", ["name_zh_hans: An organisation with this name already exists."]),
        ("create", []),
        ("reject", ["Same Chinese name as line 4."]),
    ]


def test_import_update_writes_both_name_columns_and_moves_updated_at(
    publisher_client, make_organisation
):
    organisation = make_organisation(name="Novo Nordisk", slug="novo-nordisk")
    untouched = make_organisation(name="SINOVAC", slug="sinovac")
    rows = [{"slug": "novo-nordisk", "name": "Novo Nordisk China", "kind": "enterprise",
             "summary": untouched.summary},
            {"slug": "sinovac", "name": "SINOVAC", "kind": "enterprise",
             "summary": untouched.summary}]
    confirm(publisher_client, upload(publisher_client,
                                     csv_bytes(rows, ["slug", "name", "kind", "summary"])))
    # The plain ``name`` column (the case-insensitive constraint's) and ``name_en`` both move.
    assert list(Organisation.objects.rewrite(False).filter(pk=organisation.pk).values_list(
        "name", "name_en")) == [("Novo Nordisk China", "Novo Nordisk China")]
    assert Organisation.objects.get(pk=organisation.pk).updated_at > organisation.updated_at
    assert Organisation.objects.get(pk=untouched.pk).updated_at == untouched.updated_at


def test_organisation_save_does_nothing_the_bulk_import_leaves_out():
    """The import writes with bulk_create/bulk_update, which skip save() and its signals.

    The page cache's and the history's (django-reversion's version of each saved object, the
    baseline before an object's first recorded change) are the only ones; the import calls
    ``content_changed()``, ``keep_baselines()`` and ``record_versions()`` itself.
    If this fails, Organisation.save() or a signal receiver has gained work: do it in
    directory.csv_io.save_rows too, then update this test.
    """
    from django.db.models.signals import m2m_changed, post_save, pre_save
    from reversion import revisions as reversion_revisions

    from lifevalley import history, page_cache
    from lifevalley.models import RenditionsMixin

    def receivers(signal, sender):
        sync_receivers, async_receivers = signal._live_receivers(sender)
        return {getattr(r, "__func__", r) for r in [*sync_receivers, *async_receivers]}

    assert Organisation.save is RenditionsMixin.save
    assert receivers(pre_save, Organisation) == {history.keep_baseline}
    assert receivers(post_save, Organisation) == {page_cache.content_changed,
                                                  reversion_revisions._post_save_receiver}
    assert receivers(m2m_changed, Organisation.sectors.through) == {
        page_cache._m2m_changed, reversion_revisions._m2m_changed_receiver}
