import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(make_zone, make_sector, make_organisation):
    """A small park: two zones, three sectors, organisations of several kinds and facts."""
    core = make_zone(name="ZGC Life Science Park", slug="life-science-park", order=1)
    devices = make_zone(name="Medical Device Zone", slug="medical-device", order=2)
    drugs = make_sector(name="Innovative drugs", slug="innovative-drugs")
    neuro = make_sector(name="Neuroscience", slug="neuroscience")
    vaccines = make_sector(name="Vaccines", slug="vaccines")
    make_organisation(name="BeiGene", slug="beigene", zone=core, sectors=[drugs],
                      stock_exchange="HKEX", stock_ticker="06160", founded_year=2010)
    make_organisation(name="SINOVAC", slug="sinovac", zone=core, sectors=[vaccines, drugs],
                      founded_year=2001)
    make_organisation(name="Chinese Institute for Brain Research", slug="cibr",
                      kind="research", zone=core, sectors=[neuro])
    make_organisation(name="NeuroLink Devices", slug="neurolink", zone=devices,
                      sectors=[neuro], is_unicorn=True, founded_year=2018)
    make_organisation(name="Beijing GoBroad Hospital", slug="gobroad", kind="hospital",
                      zone=core, founded_year=2023)
    make_organisation(name="Draft Neuro Startup", slug="draft", zone=devices, sectors=[neuro],
                      is_unicorn=True, is_published=False)
    return {"core": core, "devices": devices}


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["BeiGene", "Beijing GoBroad Hospital", "Chinese Institute for Brain Research",
              "NeuroLink Devices", "SINOVAC"]),
        ("q=brain", ["Chinese Institute for Brain Research"]),
        ("q=neuroscience&sort=name", ["Chinese Institute for Brain Research", "NeuroLink Devices"]),
        ("kind=research", ["Chinese Institute for Brain Research"]),
        ("sector=vaccines", ["SINOVAC"]),
        ("sector=vaccines&sector=neuroscience",
         ["Chinese Institute for Brain Research", "NeuroLink Devices", "SINOVAC"]),
        ("zone=medical-device", ["NeuroLink Devices"]),
        ("listed=yes", ["BeiGene"]),
        ("unicorn=yes", ["NeuroLink Devices"]),
        ("unicorn=no&zone=life-science-park&sector=innovative-drugs", ["BeiGene", "SINOVAC"]),
        ("sort=founded", ["SINOVAC", "BeiGene", "NeuroLink Devices", "Beijing GoBroad Hospital",
                          "Chinese Institute for Brain Research"]),
        ("sort=newest&kind=enterprise", ["NeuroLink Devices", "SINOVAC", "BeiGene"]),
        ("q=brain&kind=enterprise", []),
    ],
)
def test_directory_filters_select_exactly_the_matching_organisations(client, park, query,
                                                                     expected):
    response = client.get(reverse("directory:list") + "?" + query)
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["paginator"].count == len(expected)


def facet_counts(response):
    return {
        facet.name: {option.value: option.count for option in facet.options}
        for facet in response.context["facets"]
    }


def test_directory_facet_counts_follow_the_other_filters(client, park):
    response = client.get(reverse("directory:list") + "?zone=life-science-park&sector=neuroscience")
    assert facet_counts(response) == {
        "kind": {"research": 1},
        # the sector facet ignores the sector filter itself: what ticking each would give
        "sector": {"innovative-drugs": 2, "neuroscience": 1, "vaccines": 1},
        "zone": {"life-science-park": 1, "medical-device": 1},
        # only the organisations marked listed or unicorn are offered: none here
        "listed": {},
        "unicorn": {},
    }


@pytest.mark.parametrize(
    "base", ["", "q=brain", "zone=life-science-park&sector=neuroscience", "unicorn=no&listed=no"]
)
def test_directory_facet_counts_agree_with_the_list(client, park, base):
    url = reverse("directory:list") + "?" + base
    counts = facet_counts(client.get(url))
    assert counts["kind"]  # something to compare
    for name, options in counts.items():
        for value, count in options.items():
            others = "&".join(p for p in base.split("&") if p and not p.startswith(f"{name}="))
            response = client.get(f"{reverse('directory:list')}?{others}&{name}={value}")
            assert response.context["paginator"].count == count, (name, value)


def test_directory_facets_never_count_drafts(client, park):
    counts = facet_counts(client.get(reverse("directory:list")))
    assert counts["unicorn"] == {"yes": 1}
    assert counts["zone"] == {"life-science-park": 4, "medical-device": 1}
    assert counts["sector"]["neuroscience"] == 2


def test_directory_zone_filter_refuses_a_draft_zone(client, park, make_zone):
    make_zone(slug="secret-zone", is_published=False)
    response = client.get(reverse("directory:list") + "?zone=secret-zone")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_directory_search_corrects_spelling_like_the_site_search(client, park):
    # "brian" is no substring of any name and too far from "Brain" for PostgreSQL's trigrams
    response = client.get(reverse("directory:list") + "?q=brian")
    assert names(response) == ["Chinese Institute for Brain Research"]
    html = response.content.decode()
    assert "No organisation matches “brian”. Showing results for “Brain”." in html


def test_directory_search_keeps_a_query_that_matches(client, park):
    response = client.get(reverse("directory:list") + "?q=brain")
    assert "corrected_from" not in response.context
    assert names(response) == ["Chinese Institute for Brain Research"]


def test_flag_facets_offer_only_what_is_marked(client, park):
    html = client.get(reverse("directory:list")).content.decode()
    listed = html.split("<legend>Listed on a stock exchange</legend>", 1)[1].split("</fieldset>")[0]
    assert 'value="yes"' in listed and 'value="no"' not in listed
    assert "not yet every enterprise counted in the park’s key figures" in html


def test_a_flag_facet_with_nothing_marked_is_left_out(client, make_organisation):
    make_organisation(name="SINOVAC")
    html = client.get(reverse("directory:list")).content.decode()
    assert "<legend>Unicorn</legend>" not in html
    assert "<legend>Kind</legend>" in html
