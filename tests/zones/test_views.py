import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_zone_list_shows_published_zones_in_order(client, make_zone):
    make_zone(name="Second", order=2)
    make_zone(name="First", order=1)
    make_zone(name="Draft", order=0, is_published=False)
    response = client.get(reverse("zones:list"))
    assert response.status_code == 200
    assert [zone.name for zone in response.context["zones"]] == ["First", "Second"]


def test_zone_page_shows_focus_areas_and_published_projects(client, make_zone, make_sector,
                                                            make_project):
    zone = make_zone(
        name="Medical Device Zone",
        focus_areas=[make_sector(name="Brain-computer interfaces"), make_sector(name="Implants")],
    )
    make_project(zone=zone, name="Bio-engineering Innovation Centre")
    make_project(zone=zone, name="Secret Project", is_published=False)
    response = client.get(zone.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brain-computer interfaces" in html and "Implants" in html
    assert [p.name for p in response.context["projects"]] == ["Bio-engineering Innovation Centre"]
    assert "Secret Project" not in html
    assert "Under construction" in html


def test_zone_page_lists_its_organisations(client, make_zone, make_organisation):
    zone = make_zone()
    make_organisation(name="Changping Laboratory", zone=zone)
    make_organisation(name="Elsewhere Inc")
    make_organisation(name="Draft Lab", zone=zone, is_published=False)
    response = client.get(zone.get_absolute_url())
    assert [o.name for o in response.context["organisations"]] == ["Changping Laboratory"]


def test_draft_zone_is_404_for_the_public(client, make_zone):
    zone = make_zone(is_published=False)
    assert client.get(zone.get_absolute_url()).status_code == 404


def test_draft_zone_is_previewed_by_staff(staff_client, make_zone):
    zone = make_zone(name="Upcoming Zone", is_published=False)
    response = staff_client.get(zone.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this page is not public" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_staff_without_view_permission_cannot_preview(client, django_user_model, make_zone):
    zone = make_zone(is_published=False)
    user = django_user_model.objects.create_user("nobody", password="x" * 12, is_staff=True)
    client.force_login(user)
    assert client.get(zone.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/zones/no-such-zone/",
        "/zones/%00/",
        "/zones/" + "a" * 10_000 + "/",
        "/zones/?page=abc",
        "/zones/?q=%00",
        "/zones/?zone=x&zone=y&unknown=1",
        "/zh-hans/zones/nope/",
    ],
)
def test_bad_input_on_zone_pages_is_never_a_server_error(client, make_zone, path):
    make_zone()
    response = client.get(path)
    assert response.status_code < 500


def test_zone_page_query_count_is_fixed(client, django_assert_num_queries, make_zone,
                                        make_sector, make_project, make_organisation):
    zone = make_zone()

    def grow(count):
        for _ in range(count):
            zone.focus_areas.add(make_sector())
            make_project(zone=zone)
            make_organisation(zone=zone, sectors=[make_sector()])

    grow(1)
    client.get(zone.get_absolute_url())
    # 8: the space on offer in the zone is one more.
    with django_assert_num_queries(7):
        assert client.get(zone.get_absolute_url()).status_code == 200
    grow(3)
    with django_assert_num_queries(7):
        assert client.get(zone.get_absolute_url()).status_code == 200


def test_zone_list_query_count_is_fixed(client, django_assert_num_queries, make_zone,
                                        make_sector, make_project):
    def grow(count):
        for _ in range(count):
            zone = make_zone(focus_areas=[make_sector()])
            make_project(zone=zone)

    grow(1)
    client.get(reverse("zones:list"))
    with django_assert_num_queries(3):
        client.get(reverse("zones:list"))
    grow(3)
    with django_assert_num_queries(3):
        client.get(reverse("zones:list"))
