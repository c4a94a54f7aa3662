"""Space on offer: on the zone pages and /join/, published like everything else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from space.models import SpaceOffer
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db


def offer_names(response):
    return [offer.name for offer in response.context["space_offers"]]


def test_zone_page_shows_its_published_space(client, make_zone, make_project, make_offer):
    zone = make_zone(slug="core")
    project = make_project(zone=zone, name="New Base", slug="new-base")
    make_offer(zone=zone, name="Lab floor", area_m2=1200, kind="laboratory")
    make_offer(project=project, name="GMP hall", kind="gmp", status="reserved",
               available_from=None)
    make_offer(zone=zone, name="Secret floor", is_published=False)
    make_offer(name="Elsewhere")
    make_offer(project=make_project(zone=zone, is_published=False), name="In a draft project")

    response = client.get("/zones/core/")
    assert sorted(offer_names(response)) == ["GMP hall", "Lab floor"]
    html = response.content.decode()
    assert "1,200 m²" in html or "1200 m²" in html
    assert "GMP production" in html and "Reserved" in html and "Now" in html
    assert 'href="/zones/core/#project-new-base"' in html  # the project's place on the page
    assert 'href="/join/enquire/?zone=core"' in html  # the form, for this zone
    assert 'href="/join/enquire/?zone=core&amp;project=new-base"' in html


def test_join_page_lists_space_of_public_zones_with_the_contact(
    client, park_profile, make_zone, make_offer
):
    make_offer(zone=make_zone(name="Core Zone"), name="Office suite", kind="office")
    make_offer(zone=make_zone(is_published=False), name="Hidden zone office")
    response = client.get("/join/")
    assert response.status_code == 200
    assert offer_names(response) == ["Office suite"]
    html = response.content.decode()
    assert "Core Zone" in html
    assert park_profile.phone in html and park_profile.email in html


def test_join_page_in_chinese(client, make_offer):
    make_offer(name_en="Incubator desks", name_zh_hans="孵化器工位", kind="incubator")
    html = client.get("/zh-hans/join/").content.decode()
    assert "孵化器工位" in html
    assert "加入园区" in html


def test_scheduled_offer_appears_only_in_its_window(client, make_offer):
    from django.utils import timezone

    make_offer(name="Later", publish_from=timezone.now() + timezone.timedelta(days=1))
    assert offer_names(client.get("/join/")) == []


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_zone_page_query_count_does_not_grow_with_space(
    client, make_zone, make_offer, make_project
):
    zone = make_zone(slug="core")
    make_offer(zone=zone)
    client.get("/zones/core/")
    small = queries_for(client, "/zones/core/")
    for _ in range(3):
        make_offer(project=make_project(zone=zone))
    assert queries_for(client, "/zones/core/") == small


def test_join_page_query_count_is_flat(client, make_offer, make_project):
    make_offer()
    client.get("/join/")
    small = queries_for(client, "/join/")
    for _ in range(3):
        make_offer(project=make_project())
    # The offers and the form's sectors (the park profile is cached).
    assert queries_for(client, "/join/") == small == 2


def test_editor_records_space_as_a_draft_and_publisher_publishes(
    client, editor, publisher, make_zone, make_project
):
    zone = make_zone()
    client.force_login(editor)
    response = client.post("/admin/space/spaceoffer/add/", {
        "zone": zone.pk, "project": "", "kind": "office", "name_en": "Floor 4",
        "name_zh_hans": "", "area_m2": "350", "available_from": "", "status": "available",
        "description_en": "", "description_zh_hans": "", "is_published": "on",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer = SpaceOffer.objects.get()
    assert offer.is_published is False  # Editors save drafts

    client.force_login(publisher)
    url = f"/admin/space/spaceoffer/{offer.pk}/change/"
    response = client.post(url, change_form_payload(client, url, is_published="on"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.is_published is True


def test_admin_refuses_a_project_of_another_zone(client, publisher, make_zone, make_project):
    client.force_login(publisher)
    project = make_project()
    response = client.post("/admin/space/spaceoffer/add/", {
        "zone": make_zone().pk, "project": project.pk, "kind": "office", "name_en": "Floor",
        "area_m2": "0", "status": "available",
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["project"] == ["This project is in another zone."]
    assert "area_m2" in errors
