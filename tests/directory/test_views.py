import datetime
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation

pytestmark = pytest.mark.django_db

LIST = "/directory/"


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


def test_directory_lists_only_public_organisations(client, make_organisation):
    make_organisation(name="BeiGene")
    make_organisation(name="Draft Biotech", summary="secret", is_published=False)
    make_organisation(name="Embargoed Biotech",
                      publish_from=timezone.now() + datetime.timedelta(days=1))
    make_organisation(name="Expired Biotech",
                      publish_until=timezone.now() - datetime.timedelta(days=1))
    response = client.get(reverse("directory:list"))
    assert response.status_code == 200
    assert names(response) == ["BeiGene"]
    html = response.content.decode()
    for hidden in ("Draft Biotech", "Embargoed Biotech", "Expired Biotech"):
        assert hidden not in html
    assert client.get(reverse("directory:list") + "?q=secret").context["paginator"].count == 0


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("kind=spaceship", 400, "Select a valid choice"),
        ("sector=no-such-sector", 400, "Select a valid choice"),
        ("zone=no-such-zone", 400, "Select a valid choice"),
        ("listed=maybe", 400, "Select a valid choice"),
        ("unicorn=1", 400, "Select a valid choice"),
        ("sort=price", 400, "Select a valid choice"),
        ("q=%00", 400, "Null characters are not allowed"),
        ("q=" + "a" * 10_000, 400, "Ensure this value has at most 200 characters"),
        ("sector=%00", 400, "Null characters are not allowed"),
        ("zone=%00", 400, "Null characters are not allowed"),
        ("kind=%00", 400, "Select a valid choice"),
        ("page=abc", 404, "There is no page “abc”"),
        ("page=0", 404, "There is no page “0”"),
        ("page=999999", 404, "There is no page “999999”"),
        ("page=%00", 404, "There is no page"),
        ("page=" + "9" * 10_000, 404, "There is no page"),
    ],
)
def test_directory_bad_input_is_a_clear_client_error(client, make_organisation, query, status,
                                                     message):
    make_organisation()
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == status
    assert message in unescape(response.content.decode())


@pytest.mark.parametrize(
    "query",
    [
        "kind=enterprise&kind=research&unknown=1&utm_source=x",
        "sector=" + "&sector=".join(["x"] * 300),
        "q=%F0%9F%A7%AC+%E8%84%91&q=brain",
        "q=%25_%5C",
        "page=1&page=2",
        "zone=&kind=&listed=&unicorn=&sort=",
        "%00=%00",
    ],
)
def test_directory_odd_but_harmless_input_is_never_a_server_error(client, make_organisation,
                                                                  query):
    make_organisation()
    assert client.get(f"{LIST}?{query}").status_code < 500


def test_directory_error_page_shows_the_filter_form_errors(client, make_organisation):
    make_organisation()
    html = client.get(f"{LIST}?kind=spaceship").content.decode()
    assert 'role="alert"' in html
    assert "Kind: Select a valid choice. spaceship is not one of the available choices." in html


def chip_links(response):
    html = response.content.decode()
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S).group(0)
    return {
        re.sub(r"<[^>]+>|×|Remove filter", "", text).strip():
            parse_qs(urlsplit(unescape(href)).query)
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', chips, re.S)
    }


def test_directory_chips_remove_one_filter_each(client, make_sector, make_zone,
                                                make_organisation):
    drugs = make_sector(name="Innovative drugs", slug="innovative-drugs")
    vaccines = make_sector(name="Vaccines", slug="vaccines")
    zone = make_zone(name="ZGC Life Science Park", slug="life-science-park")
    make_organisation(name="SINOVAC", zone=zone, sectors=[drugs, vaccines])
    response = client.get(
        f"{LIST}?q=sino&sector=vaccines&sector=innovative-drugs&zone=life-science-park"
        "&unicorn=no&sort=newest&page=1"
    )
    everything = {"q": ["sino"], "sector": ["vaccines", "innovative-drugs"],
                  "zone": ["life-science-park"], "unicorn": ["no"], "sort": ["newest"]}
    assert chip_links(response) == {
        "Search: sino": {k: v for k, v in everything.items() if k != "q"},
        "Sector: Vaccines": everything | {"sector": ["innovative-drugs"]},
        "Sector: Innovative drugs": everything | {"sector": ["vaccines"]},
        "Zone: ZGC Life Science Park": {k: v for k, v in everything.items() if k != "zone"},
        "Unicorn: No": {k: v for k, v in everything.items() if k != "unicorn"},
    }


def test_directory_paginates_and_keeps_filters_in_page_links(client, make_organisation):
    for number in range(30):
        make_organisation(name=f"Biotech {number:02d}", kind="enterprise")
    make_organisation(name="A Research Lab", kind="research")
    response = client.get(f"{LIST}?kind=enterprise&page=2")
    assert response.status_code == 200
    assert names(response) == [f"Biotech {n:02d}" for n in range(24, 30)]
    html = unescape(response.content.decode())
    assert 'href="?kind=enterprise&page=1" rel="prev"' in html
    assert "30 organisations" in html
    assert client.get(f"{LIST}?kind=enterprise&page=3").status_code == 404


def test_organisation_page_shows_facts_links_and_contact(client, make_organisation,
                                                         make_sector, make_zone):
    zone = make_zone(name="ZGC Life Science Park", slug="life-science-park")
    drugs = make_sector(name="Innovative drugs", slug="innovative-drugs")
    organisation = make_organisation(
        name="BeiGene", slug="beigene", zone=zone, sectors=[drugs], founded_year=2010,
        stock_exchange="HKEX", stock_ticker="06160", is_unicorn=False,
        website="https://www.beigene.example", email="info@beigene.example",
        phone="+86 10 0000 0000", summary="FDA-approved anti-cancer drug",
    )
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dt>Listed</dt><dd>HKEX:06160</dd>' in html
    assert '<dt>Founded</dt><dd>2010</dd>' in html
    assert f'<a href="{zone.get_absolute_url()}">ZGC Life Science Park</a>' in html
    assert 'href="/directory/?sector=innovative-drugs"' in html
    assert 'href="mailto:info@beigene.example"' in html
    assert 'href="tel:+861000000000"' in html
    assert "Unicorn" not in html


def test_organisation_page_sector_link_leads_to_the_filtered_list(client, make_organisation,
                                                                  make_sector):
    neuro = make_sector(name="Neuroscience", slug="neuroscience")
    brain = make_organisation(name="Chinese Institute for Brain Research", sectors=[neuro])
    make_organisation(name="Elsewhere")
    response = client.get(brain.get_absolute_url())
    link = re.search(r'href="([^"]*sector=neuroscience)"', response.content.decode()).group(1)
    assert names(client.get(unescape(link))) == ["Chinese Institute for Brain Research"]


def json_ld(response):
    html = response.content.decode()
    text = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


def test_organisation_page_has_schema_org_data(client, make_organisation, make_sector, settings):
    settings.SITE_URL = "https://lifevalley.example.com"
    organisation = make_organisation(
        name="Beijing GoBroad Hospital", slug="gobroad", kind="hospital", founded_year=2023,
        sectors=[make_sector(name="Clinical research")], website="https://gobroad.example",
        summary="One of China's first international research hospitals.",
    )
    data = json_ld(client.get(organisation.get_absolute_url()))
    assert data == {
        "@context": "https://schema.org",
        "@type": "Hospital",
        "@id": "https://lifevalley.example.com/directory/gobroad/",
        "name": "Beijing GoBroad Hospital",
        "url": "https://gobroad.example",
        "mainEntityOfPage": "https://lifevalley.example.com/directory/gobroad/",
        "description": "One of China's first international research hospitals.",
        "foundingDate": "2023",
        "knowsAbout": ["Clinical research"],
    }


def test_organisation_json_ld_cannot_break_out_of_its_script(client, make_organisation):
    hostile = '</script><script>alert("x")</script><!--'
    organisation = make_organisation(name="Hostile & Co", summary=hostile)
    response = client.get(organisation.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert html.count("</script>") == 1
    assert json_ld(response)["description"] == hostile


def test_organisation_page_lists_related_public_organisations(client, make_organisation,
                                                              make_sector):
    a, b = make_sector(), make_sector()
    subject = make_organisation(name="Subject", sectors=[a, b])
    make_organisation(name="Shares One", sectors=[a])
    make_organisation(name="Shares Two", sectors=[a, b])
    make_organisation(name="Draft Shares Two", sectors=[a, b], is_published=False)
    make_organisation(name="Unrelated", sectors=[make_sector()])
    response = client.get(subject.get_absolute_url())
    assert [o.name for o in response.context["related_organisations"]] == [
        "Shares Two", "Shares One"
    ]
    assert "Draft Shares Two" not in response.content.decode()


def test_organisation_page_hides_a_draft_zone(client, make_organisation, make_zone):
    zone = make_zone(name="Secret Zone", is_published=False)
    organisation = make_organisation(zone=zone)
    response = client.get(organisation.get_absolute_url())
    assert "Secret Zone" not in response.content.decode()
    assert "location" not in json_ld(response)


def test_draft_organisation_is_404_for_the_public_and_previewed_by_staff(staff_client,
                                                                         make_organisation):
    organisation = make_organisation(name="Unannounced Biotech", is_published=False)
    assert Client().get(organisation.get_absolute_url()).status_code == 404
    response = staff_client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this page is not public" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/directory/no-such-organisation/", "/directory/%00/",
             "/directory/" + "a" * 10_000 + "/", "/zh-hans/directory/nope/"],
)
def test_unknown_organisation_is_404(client, path):
    assert client.get(path).status_code == 404


def test_directory_works_in_chinese(client, make_organisation):
    make_organisation(name="北京生命科学研究所", slug="nibs")
    response = client.get("/zh-hans/directory/?q=生命")
    assert response.status_code == 200
    assert names(response) == ["北京生命科学研究所"]


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # 2 facet aggregates (one holds the list's count) + sector and zone labels + page
        # (cards name no sectors)
        ("", 5),
        # + the search's matching ids, once
        ("q=bio&sort=newest", 6),
        # + checking the sector and zone slugs
        ("sector=sector-a&sector=sector-b&zone=zone-a", 7),
        ("kind=enterprise&listed=no&unicorn=no&sort=founded&q=bio", 6),
        ("zone=zone-a&sector=sector-a&kind=enterprise&page=1", 7),
    ],
)
def test_directory_query_count_is_fixed(client, django_assert_num_queries, make_zone,
                                        make_sector, make_organisation, park_profile, query,
                                        queries):
    zone = make_zone(slug="zone-a")
    sectors = [make_sector(slug="sector-a"), make_sector(slug="sector-b")]

    def grow(count):
        for _ in range(count):
            make_organisation(name=f"Bio {make_sector().slug}", zone=zone,
                              sectors=[*sectors, make_sector()])

    grow(1)
    client.get(f"{LIST}?{query}")  # warm the park profile cache
    with django_assert_num_queries(queries):
        response = client.get(f"{LIST}?{query}")
    assert len(response.context["organisations"]) == 1
    grow(3)
    with django_assert_num_queries(queries):
        response = client.get(f"{LIST}?{query}")
    assert len(response.context["organisations"]) == 4


def test_organisation_page_query_count_is_fixed(client, django_assert_num_queries, make_zone,
                                                make_sector, make_organisation, make_event,
                                                park_profile):
    zone = make_zone()
    shared = make_sector()
    subject = make_organisation(zone=zone, sectors=[shared])

    def grow(count):
        for _ in range(count):
            subject.sectors.add(make_sector())
            make_organisation(zone=make_zone(), sectors=[shared, make_sector()])
            make_event(organisers=[subject])

    grow(1)
    client.get(subject.get_absolute_url())
    with django_assert_num_queries(4):
        response = client.get(subject.get_absolute_url())
    assert len(response.context["related_organisations"]) == 1
    assert len(response.context["upcoming_events"]) == 1
    grow(3)
    with django_assert_num_queries(4):
        response = client.get(subject.get_absolute_url())
    assert len(response.context["related_organisations"]) == 4


def test_chinese_directory_orders_by_the_english_names(client, make_organisation):
    make_organisation(name="Novo Nordisk", name_zh_hans="诺和诺德")
    make_organisation(name="Administrative Commission")
    make_organisation(name="BeiGene", name_zh_hans="百济神州")
    make_organisation(name="Beijing GoBroad Hospital")
    response = client.get("/zh-hans/directory/")
    assert [o.name for o in response.context["organisations"]] == [
        "Administrative Commission", "百济神州", "Beijing GoBroad Hospital", "诺和诺德"
    ]


@pytest.mark.parametrize(
    "query",
    ["", "q=gene", "kind=research", "sector=sector-a&sector=sector-b", "zone=zone-a&listed=yes",
     "q=gene&sector=sector-b&kind=enterprise"],
)
def test_the_list_count_comes_with_the_facets_and_is_the_lists(client, make_zone, make_sector,
                                                                make_organisation, query):
    zone = make_zone(slug="zone-a")
    a, b = make_sector(slug="sector-a"), make_sector(slug="sector-b")
    for n in range(30):  # more than a page of 24
        make_organisation(
            name=f"{'Gene' if n % 3 else 'Cell'} works {n}", zone=zone if n % 2 == 0 else None,
            kind=Organisation.Kind.RESEARCH_INSTITUTION if n % 5 == 0 else
            Organisation.Kind.ENTERPRISE,
            sectors=[a, b][: n % 3],
            **({"stock_exchange": "SSE", "stock_ticker": f"6{n:05d}"} if n % 4 == 0 else {}),
        )
    make_organisation(name="Gene draft", is_published=False, sectors=[a], zone=zone)
    response = client.get(f"{LIST}?{query}")
    paginator = response.context["paginator"]
    counted = response.context["filter"].qs.count()  # a COUNT of the list's own query
    assert paginator.count == counted > 0
    noun = "organisation" if counted == 1 else "organisations"
    assert f">{counted} {noun}" in response.content.decode()
    assert paginator.num_pages == (counted + 23) // 24
