import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from lifevalley.search import clean_query, suggest_spelling
from lifevalley.timezones import BEIJING
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones(make_zone):
    return [
        make_zone(
            name="Frontier Technology Zone",
            name_zh_hans="前沿技术区",
            tagline="Cell and gene therapy, digital medicine, synthetic biology",
            description="Research and development at the frontier.",
        ),
        make_zone(
            name="Medical Device Zone",
            tagline="Brain-computer interfaces and implant technology",
            description="Devices for tomorrow's medicine; brain research welcome.",
            description_zh_hans="脑机接口、数字医疗、植入技术和高端诊断。",
        ),
        make_zone(name="Beauty and Health Zone", tagline="Scientifically based cosmetics"),
        make_zone(name="Draft Brain Zone", is_published=False),
    ]


def names(results):
    return [item.name for item in results]


def test_search_ranks_name_matches_first(zones):
    make = Zone.objects.published().search
    assert names(make("frontier")) == ["Frontier Technology Zone"]
    assert names(make("zone"))[:3] == [
        "Frontier Technology Zone",
        "Medical Device Zone",
        "Beauty and Health Zone",
    ] or set(names(make("zone"))) == {
        "Frontier Technology Zone",
        "Medical Device Zone",
        "Beauty and Health Zone",
    }


def test_search_finds_english_words_in_any_field(zones):
    assert names(Zone.objects.published().search("synthetic biology")) == [
        "Frontier Technology Zone"
    ]


def test_search_finds_chinese_text_without_word_breaks(zones):
    assert names(Zone.objects.published().search("脑")) == ["Medical Device Zone"]
    assert names(Zone.objects.published().search("前沿")) == ["Frontier Technology Zone"]


def test_search_never_returns_drafts(zones):
    assert "Draft Brain Zone" not in names(Zone.objects.published().search("brain"))
    assert names(Zone.objects.published().search("brain")) == ["Medical Device Zone"]


def test_search_page_groups_and_highlights(client, zones):
    response = client.get(reverse("search"), {"q": "frontier"})
    assert response.status_code == 200
    groups = {g["section"].key: names(g["items"]) for g in response.context["results"]}
    assert groups["zones"] == ["Frontier Technology Zone"]
    assert '<mark>Frontier</mark> Technology Zone' in response.content.decode()


def test_search_page_finds_through_a_misspelling(client, zones):
    """PostgreSQL matches by trigram similarity; SQLite corrects the word from known names."""
    response = client.get(reverse("search"), {"q": "Fronteir"})
    if connection.vendor != "postgresql":
        assert response.context["corrected_from"] == "Fronteir"
        assert response.context["query"] == "Frontier"
    groups = {g["section"].key: names(g["items"]) for g in response.context["results"]}
    assert groups["zones"] == ["Frontier Technology Zone"]


def test_search_page_in_chinese_shows_chinese_names(client, zones):
    with translation.override("zh-hans"):
        response = client.get("/zh-hans/search/", {"q": "前沿"})
    assert "<mark>前沿</mark>技术区" in response.content.decode()


def test_highlight_escapes_html(client, make_zone):
    make_zone(name="<script>alert(1)</script> Zone")
    html = client.get(reverse("search"), {"q": "script"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "a" * 10_000},
        {"q": "zone", "kind": "bogus"},
        {"q": "zone", "kind": "zones", "page": "abc"},
        {"q": "zone", "kind": "zones", "page": "999999"},
        {"q": "'; DROP TABLE zones_zone; --"},
        {"q": "brain & | ! :* <->"},
    ],
)
def test_search_bad_input_is_never_a_server_error(client, zones, params):
    response = client.get(reverse("search"), params)
    assert response.status_code in {200, 400, 404}
    assert Zone.objects.count() == 4


def test_search_query_count_is_fixed(client, django_assert_num_queries, make_zone, make_sector,
                                     make_project, make_organisation, make_event):
    def grow(count):
        for _ in range(count):
            n = Zone.objects.count()
            zone = make_zone(name=f"Brain zone {n}", focus_areas=[make_sector()])
            make_project(name=f"Brain project {n}", zone=zone)
            make_organisation(name=f"Brain institute {n}", zone=zone, sectors=[make_sector()])
            make_event(title=f"Brain forum {n}", zone=zone)

    grow(1)
    client.get(reverse("home"))  # warm the park profile cache
    with django_assert_num_queries(9):
        response = client.get(reverse("search"), {"q": "brain"})
    assert [group["count"] for group in response.context["results"]] == [1, 1, 1, 1]
    grow(3)
    with django_assert_num_queries(9):
        response = client.get(reverse("search"), {"q": "brain"})
    assert [group["count"] for group in response.context["results"]] == [4, 4, 4, 4]


def test_clean_query_strips_control_characters_and_bounds_length():
    assert clean_query("  brain\x00  research\n") == "brain research"
    assert len(clean_query("x" * 10_000)) == 200


def test_suggest_spelling_uses_known_words():
    assert suggest_spelling("Novatis", {"Novartis", "Pharmaceuticals"}) == "Novartis"
    assert suggest_spelling("Novartis", {"Novartis"}) is None


def test_search_shows_an_event_known_only_to_the_month_without_a_day(client, make_event):
    make_event(
        title="Beijing-Changping International Forum",
        starts_at=datetime.datetime(2030, 11, 1, tzinfo=BEIJING),
        ends_at=datetime.datetime(2030, 11, 30, tzinfo=BEIJING),
        is_all_day=True,
        date_precision="month",
    )
    html = client.get(reverse("search"), {"q": "Changping"}).content.decode()
    assert '<time datetime="2030-11">November 2030</time>' in html
    assert "1 November 2030" not in html


@pytest.fixture
def chinese_rows(make_organisation, make_event, make_sector):
    """Short Chinese terms in every searched field, with near misses and a draft."""
    brain_science = make_sector(name="Brain science", name_zh_hans="脑科学", slug="brain-science")
    return {
        "in_name": make_organisation(name="Naoke Institute", name_zh_hans="脑科研究所"),
        "in_summary": make_organisation(name="Quiet Labs", summary_zh_hans="专注脑机接口"),
        "in_description": make_organisation(name="Deep Labs", description_zh_hans="研究大脑。"),
        "in_sector": make_organisation(name="Sector Only", sectors=[brain_science]),
        "miss": make_organisation(name="Heart Labs", name_zh_hans="心脏研究所"),
        "draft": make_organisation(name="Draft Brain", name_zh_hans="脑草稿", is_published=False),
        "event": make_event(title="Brain forum", title_zh_hans="脑科学论坛"),
        "other_event": make_event(title="Heart forum", title_zh_hans="心脏论坛"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("脑", {"in_name", "in_summary", "in_description", "in_sector"}),
    ("脑科", {"in_name", "in_sector"}),  # two characters, in this order
    ("科脑", set()),  # the same characters, not as a substring
    ("研究 脑", {"in_name", "in_description"}),  # every term somewhere
    ("心", {"miss"}),
])
def test_short_chinese_terms_find_exactly_the_rows_containing_them(chinese_rows, query,
                                                                    expected):
    """A term of one or two characters has no trigram: PostgreSQL finds it from the
    character index, SQLite by substring; both must give the same rows."""
    from directory.models import Organisation

    found = set(Organisation.objects.published().search(query).values_list("pk", flat=True))
    assert found == {chinese_rows[key].pk for key in expected}


def test_site_search_for_one_chinese_character_lists_its_rows(client, chinese_rows):
    response = client.get("/zh-hans/search/", {"q": "脑"})
    groups = {g["section"].key: g for g in response.context["results"]}
    assert groups["organisations"]["count"] == 4
    assert groups["events"]["count"] == 1
    assert [event.pk for event in groups["events"]["items"]] == [chinese_rows["event"].pk]
    assert chinese_rows["in_name"].pk == groups["organisations"]["items"][0].pk  # name first
    assert "脑草稿" not in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query planner")
@pytest.mark.parametrize("model_path", ["directory.models.Organisation", "events.models.Event"])
def test_one_character_search_is_answered_from_the_character_index(db, model_path):
    from django.utils.module_loading import import_string

    from lifevalley.search import _has_characters

    model = import_string(model_path)
    assert "@>" in str(model.objects.published().matching("脑").query)
    queryset = model.objects.filter(_has_characters(model, "脑")).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table is read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "_search_chars" in plan, plan
