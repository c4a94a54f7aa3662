"""Enquiries about space: sent as a company would, read by staff, attacked by bots and floods."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from enquiries.models import Enquiry
from lifevalley.roles import ENQUIRY_HANDLERS, create_staff_groups
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_address(settings):
    settings.ENQUIRY_NOTIFY_EMAILS = ["investment@lifevalley.example"]


def enquiry_data(**overrides):
    return {
        "organisation": "Helix Therapeutics",
        "contact_person": "Wang Fang",
        "email": "wang.fang@helix.example",
        "phone": "+86 10 6170 0000",
        "sector": "",
        "space_wanted": "laboratory",
        "area_m2": "800",
        "timeline": "6m",
        "message": "We need a BSL-2 laboratory with 800 m² for 40 researchers.",
        "consent": "on",
        "zone": "",
        "project": "",
        "homepage": "",
    } | overrides


def test_company_sends_an_enquiry_from_a_zone_and_staff_are_emailed(
    client, make_zone, make_sector, django_capture_on_commit_callbacks
):
    zone = make_zone(slug="core", name="Core Zone")
    sector = make_sector(slug="cell-therapy", name="Cell therapy")
    form_page = client.get("/join/enquire/?zone=core")
    assert form_page.status_code == 200
    assert 'name="zone" value="core"' in form_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/join/enquire/", enquiry_data(zone="core", sector=sector.pk)
        )
    assert response.status_code == 302
    assert response["Location"] == "/join/enquire/thanks/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.organisation, enquiry.zone, enquiry.sector) == (
        "Helix Therapeutics", zone, sector)
    assert enquiry.status == Enquiry.Status.NEW
    assert enquiry.consent is True

    [email] = mail.outbox
    assert email.to == ["investment@lifevalley.example"]
    assert email.subject == "New enquiry: Helix Therapeutics (Laboratory)"
    assert "Wang Fang" in email.body and "wang.fang@helix.example" in email.body
    assert "Core Zone" in email.body and "800 m²" in email.body
    assert f"/admin/enquiries/enquiry/{enquiry.pk}/change/" in email.body


def test_errors_keep_what_was_typed(client):
    response = client.post("/join/enquire/", enquiry_data(email="not-an-email", consent=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Please agree to be contacted, or we cannot answer." in html
    assert 'value="Helix Therapeutics"' in html
    assert "BSL-2 laboratory" in html
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_filled_stores_nothing_and_looks_like_success(client):
    response = client.post("/join/enquire/", enquiry_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("message", "x" * 3001), ("organisation", "x" * 201), ("area_m2", "-5"),
     ("space_wanted", "castle"), ("timeline", "yesterday"), ("zone", "no-such-zone"),
     ("organisation", "a\x00b")],
)
def test_hostile_values_are_refused_with_a_message(client, field, value):
    response = client.post("/join/enquire/", enquiry_data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Enquiry.objects.count() == 0


def test_a_huge_body_is_refused_before_it_is_read(client):
    response = client.post("/join/enquire/", enquiry_data(message="x" * 40_000))
    assert response.status_code == 413
    assert Enquiry.objects.count() == 0


def test_floods_from_one_address_are_stopped(client, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/join/enquire/", enquiry_data()).status_code == 302
    blocked = client.post("/join/enquire/", enquiry_data(organisation="Third Co"))
    assert blocked.status_code == 429
    assert "Too many enquiries from your address" in blocked.content.decode()
    assert 'value="Third Co"' in blocked.content.decode()
    other = client.post("/join/enquire/", enquiry_data(), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302
    assert Enquiry.objects.count() == 3


def test_form_needs_its_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/join/enquire/", enquiry_data()).status_code == 403
    page = strict.get("/join/")
    token = page.cookies["csrftoken"].value
    response = strict.post("/join/enquire/", enquiry_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302


def test_join_page_carries_the_form_and_is_never_cached(client, page_cache):
    first = client.get("/join/")
    assert 'action="/join/enquire/"' in first.content.decode()
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert "X-Page-Cache" not in client.get("/join/")
    assert "X-Page-Cache" not in client.get("/join/enquire/")


def test_chinese_form(client):
    html = client.get("/zh-hans/join/enquire/").content.decode()
    assert 'action="/zh-hans/join/enquire/"' in html
    assert "咨询空间" in html


# The inbox ------------------------------------------------------------------------------

@pytest.fixture
def enquiry(db):
    return Enquiry.objects.create(
        organisation="Helix Therapeutics", contact_person="Wang Fang",
        email="wang.fang@helix.example", space_wanted="gmp", timeline="3m",
        message="=cmd|' /C calc'!A0", consent=True,
    )


def test_editors_never_see_enquiries(editor_client, enquiry):
    assert editor_client.get("/admin/enquiries/enquiry/").status_code == 403
    assert editor_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").status_code == 403
    assert "Helix" not in editor_client.get("/admin/").content.decode()


def test_handler_sets_status_assignment_and_notes(client, editor, enquiry):
    editor.groups.add(create_staff_groups()[ENQUIRY_HANDLERS])
    client.force_login(editor)
    inbox = client.get("/admin/enquiries/enquiry/")
    assert inbox.status_code == 200
    assert "Helix Therapeutics" in inbox.content.decode()
    url = f"/admin/enquiries/enquiry/{enquiry.pk}/change/"
    response = client.post(url, change_form_payload(
        client, url, status="answered", assigned_to=str(editor.pk),
        notes="Called back; visit Friday.",
    ))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.assigned_to, enquiry.notes) == (
        "answered", editor, "Called back; visit Friday.")
    assert enquiry.organisation == "Helix Therapeutics"  # what the company sent stays
    export = client.post("/admin/enquiries/enquiry/", {
        "action": "export_csv", "_selected_action": [enquiry.pk],
    })
    assert not export["Content-Type"].startswith("text/csv")  # exporting is for Publishers


def test_publishers_export_enquiries_to_csv(publisher_client, enquiry):
    response = publisher_client.post("/admin/enquiries/enquiry/", {
        "action": "export_csv", "_selected_action": [enquiry.pk],
    })
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["organisation"] for row in rows] == ["Helix Therapeutics"]
    assert rows[0]["space_wanted"] == "GMP production"
    assert rows[0]["message"].startswith("'=")  # never run as a formula


def test_old_enquiries_are_deleted_after_the_retention_period(settings, enquiry):
    settings.ENQUIRY_RETENTION_DAYS = 30
    old = Enquiry.objects.create(organisation="Old Co", contact_person="Li", email="li@x.example",
                                 space_wanted="office", timeline="later", consent=True)
    Enquiry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31))
    out = io.StringIO()
    call_command("delete_old_enquiries", "--dry-run", stdout=out)
    assert "1 enquiries are older than 30 days" in out.getvalue()
    assert Enquiry.objects.count() == 2
    call_command("delete_old_enquiries", stdout=io.StringIO())
    assert list(Enquiry.objects.values_list("organisation", flat=True)) == ["Helix Therapeutics"]
