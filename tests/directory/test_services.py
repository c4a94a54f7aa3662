import pytest
from django.core.management import call_command

from directory.models import Organisation

pytestmark = pytest.mark.django_db

ARTICLE_ORGANISATIONS = {
    ("Changping Laboratory", "research"),
    ("Beijing Institute of Life Sciences", "research"),
    ("Chinese Institute for Brain Research", "research"),
    ("National Center for Protein Sciences – Beijing", "research"),
    ("BeiGene", "enterprise"),
    ("SINOVAC", "enterprise"),
    ("Novartis Pharmaceuticals", "enterprise"),
    ("Novo Nordisk", "enterprise"),
    ("Beijing GoBroad Hospital", "hospital"),
    ("Beijing Changping People's Government", "public"),
    ("Administrative Commission of Beijing Future Science City", "public"),
}


def load_demo():
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_loaddemo_adds_every_organisation_of_the_article():
    load_demo()
    assert set(Organisation.objects.published().values_list("name", "kind")) == (
        ARTICLE_ORGANISATIONS
    )
    assert set(Organisation.objects.filter(has_production_plant=True).values_list(
        "name", flat=True)) == {"Novartis Pharmaceuticals", "Novo Nordisk"}
    assert "FDA-approved anti-cancer drug" in Organisation.objects.get(name="BeiGene").summary
    gobroad = Organisation.objects.get(name="Beijing GoBroad Hospital")
    assert "one of China's first international research hospitals" in gobroad.summary
    assert gobroad.founded_year == 2023
    commission = Organisation.objects.get(name__startswith="Administrative Commission")
    assert (commission.phone, commission.email) == ("+86-010-61703008", "shengmygwh@bjchp.gov.cn")


def test_loaddemo_invents_no_figures():
    load_demo()
    assert list(Organisation.objects.exclude(founded_year=None).values_list(
        "name", flat=True)) == ["Beijing GoBroad Hospital"]
    assert Organisation.objects.filter(is_listed=True).count() == 0
    assert Organisation.objects.filter(is_unicorn=True).count() == 0
    assert Organisation.objects.exclude(hospital_beds=None).count() == 0


def test_loaddemo_organisations_have_logos_zones_and_sectors():
    load_demo()
    for organisation in Organisation.objects.exclude(kind="public"):
        assert (organisation.logo_width, organisation.logo_height) == (256, 256)
        assert organisation.logo_alt
        assert organisation.zone.slug == "life-science-park"
        assert organisation.sectors.exists()
    assert Organisation.objects.featured().count() == 4


def test_loaddemo_directory_is_idempotent_and_keeps_staff_edits():
    load_demo()
    beigene = Organisation.objects.get(name="BeiGene")
    beigene.summary = "Edited by staff"
    beigene.save()
    Organisation.objects.get(name="SINOVAC").delete()
    count = Organisation.objects.count()
    load_demo()
    assert Organisation.objects.count() == count + 1  # only the missing one comes back
    assert Organisation.objects.get(name="BeiGene").summary == "Edited by staff"


def test_demo_directory_search_brain_finds_the_institute(client):
    load_demo()
    response = client.get("/directory/?q=brain")
    assert [o.name for o in response.context["organisations"]] == [
        "Chinese Institute for Brain Research"
    ]
