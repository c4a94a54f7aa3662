import pytest
from django.core.management import call_command

from lifevalley.models import KeyFigure, ParkProfile
from zones.models import Project, Zone

pytestmark = pytest.mark.django_db

FACTS_FIGURES = {
    ("more_than", 10, "national-level research and R&D institutions"),
    ("more_than", 900, "pharmaceutical enterprises"),
    ("", 4, "unicorns (privately held, valued at over US$1 billion)"),
    ("", 18, "companies listed on stock markets"),
    ("more_than", 40, "research-intensive universities with facilities in the park"),
    ("more_than", 3000, "beds in hospitals and clinics"),
    ("more_than", 300, "distinguished researchers"),
    ("", 10749, "intellectual-property patents"),
    ("more_than", 100, "conferences held in 2023"),
}


def load_demo():
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_loaddemo_carries_every_key_figure_of_the_article():
    load_demo()
    figures = {(f.qualifier, f.display_value, f.label) for f in KeyFigure.objects.published()}
    assert figures >= FACTS_FIGURES


def test_loaddemo_creates_the_four_zones_with_focus_areas_and_projects(client):
    load_demo()
    assert list(Zone.objects.published().values_list("name", flat=True)) == [
        "ZGC Life Science Park",
        "Frontier Technology Zone",
        "Medical Device Zone",
        "Beauty and Health Zone",
    ]
    medical = Zone.objects.get(slug="medical-device")
    assert set(medical.focus_areas.values_list("name", flat=True)) == {
        "Brain-computer interfaces",
        "Digital medicine",
        "Implant technology",
        "High-end diagnostics",
    }
    assert set(Project.objects.values_list("name", "status")) == {
        ("Life Valley International Precision Medicine Industrial Park", "under_construction"),
        ("Life Valley Bio-engineering Innovation Centre", "under_construction"),
        ("SINOVAC High Precision Achievement Transformation Base", "under_construction"),
    }
    html = client.get("/zones/life-science-park/").content.decode()
    assert "SINOVAC High Precision Achievement Transformation Base" in html
    assert "2.5 km²" in html and "4.7 km²" in html


def test_loaddemo_sets_contact_details():
    load_demo()
    profile = ParkProfile.objects.get()
    assert (profile.phone, profile.email, profile.website) == (
        "+86-010-61703008",
        "shengmygwh@bjchp.gov.cn",
        "https://www.lifesciencepark.com.cn",
    )


def test_loaddemo_is_idempotent_and_keeps_staff_edits():
    load_demo()
    counts = (KeyFigure.objects.count(), Zone.objects.count(), Project.objects.count())
    patents = KeyFigure.objects.get(label="intellectual-property patents")
    patents.value = 11000
    patents.save()
    zone = Zone.objects.get(slug="frontier-technology")
    zone.tagline = "Edited by staff"
    zone.save()

    load_demo()

    assert (KeyFigure.objects.count(), Zone.objects.count(), Project.objects.count()) == counts
    assert KeyFigure.objects.get(label="intellectual-property patents").value == 11000
    assert Zone.objects.get(slug="frontier-technology").tagline == "Edited by staff"


def test_loaddemo_illustrates_zones_with_the_sites_own_drawings(client):
    load_demo()
    zone = Zone.objects.get(slug="beauty-and-health")
    assert not zone.image  # no generated stand-in photo
    html = client.get(zone.get_absolute_url()).content.decode()
    assert "img/art/zone-beauty-and-health" in html


def test_loaddemo_carries_certain_chinese_names(client):
    load_demo()
    html = client.get("/zh-hans/").content.decode()
    assert "中关村生命科学园" in html
    assert "知识产权专利" in html
    # A zone without a certain Chinese name falls back to English, never to an empty title.
    html = client.get("/zh-hans/zones/frontier-technology/").content.decode()
    assert '<h1 lang="en">Frontier Technology Zone</h1>' in html
    assert "前沿技术区是五年内建设的三个新区之一" in html
