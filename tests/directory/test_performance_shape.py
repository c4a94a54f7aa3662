"""The directory and search answer the same after matching once and counting facets in one
pass, and their queries use the indexes SQLite and PostgreSQL have for them."""

import itertools

import pytest
from django.db import connection
from django.db.models import Q

from directory.models import Organisation

LIST = "/directory/"


@pytest.fixture
def directory(make_zone, make_sector, make_organisation, make_event):
    """A small realistic directory: kinds, zones, sectors and flags crossed, one draft."""
    zones = [make_zone(slug="north", name="North Zone"), make_zone(slug="south", name="South")]
    oncology = make_sector(name="Oncology", slug="oncology")
    vaccines = make_sector(name="Vaccines", slug="vaccines")
    brain = make_sector(name="Brain science", slug="brain-science")
    kinds = [Organisation.Kind.ENTERPRISE, Organisation.Kind.RESEARCH_INSTITUTION,
             Organisation.Kind.HOSPITAL]
    sector_sets = [[oncology], [vaccines], [oncology, brain], []]
    made = []
    for n, (kind, zone, sectors, listed, unicorn) in enumerate(itertools.product(
        kinds, [*zones, None], sector_sets, [False, True], [False, True]
    )):
        if (n * 7) % 5 == 0:  # thin the grid so that the counts differ
            continue
        made.append(make_organisation(
            name=f"{'Helix' if n % 3 else 'Anxin'} Bio {n}",
            name_zh_hans=f"安心生物 {n}" if n % 4 == 0 else "",
            summary="Brain research" if n % 5 == 1 else "A company in the park",
            kind=kind, zone=zone, sectors=sectors, is_unicorn=unicorn,
            stock_exchange="SSE" if listed else "", stock_ticker=f"6{n:05d}" if listed else "",
        ))
    make_organisation(name="Anxin Draft", is_published=False, sectors=[oncology])
    return made


def facet_counts(response):
    return {facet.name: {option.value: option.count for option in facet.all_options}
            for facet in response.context["facets"]}


def expected_counts(params):
    """Each option's count the slow way: the other filters applied, one COUNT per option."""
    base = Organisation.objects.published()
    if params.get("q"):
        base = base.filter(pk__in=[o.pk for o in Organisation.objects.published().search(
            params["q"])])
    conditions = {
        "kind": lambda v: Q(kind=v),
        "zone": lambda v: Q(zone__slug=v),
        "sector": lambda v: Q(pk__in=Organisation.objects.filter(sectors__slug__in=v)
                              .values("pk")),
        "listed": lambda v: Q(is_listed=v == "yes"),
        "unicorn": lambda v: Q(is_unicorn=v == "yes"),
    }
    options = {
        "kind": [value for value, _label in Organisation.Kind.choices],
        "zone": ["north", "south"],
        "sector": ["oncology", "vaccines", "brain-science"],
        "listed": ["yes"],
        "unicorn": ["yes"],
    }
    counts = {}
    for facet, values in options.items():
        others = base
        for name, value in params.items():
            if name in conditions and name != facet:
                others = others.filter(conditions[name](value))
        option_value = (lambda v: [v]) if facet == "sector" else (lambda v: v)
        counts[facet] = {
            value: others.filter(conditions[facet](option_value(value))).distinct().count()
            for value in values
        }
    return counts


@pytest.mark.parametrize("params", [
    {},
    {"q": "anxin"},
    {"q": "brain"},
    {"kind": "research", "zone": "north"},
    {"sector": ["oncology", "vaccines"], "listed": "yes"},
    {"q": "helix", "unicorn": "no", "sector": ["brain-science"], "kind": "enterprise"},
])
def test_facet_counts_equal_a_count_per_option(client, directory, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    shown = facet_counts(response)
    expected = expected_counts(params)
    for facet, counts in expected.items():
        if facet in ("listed", "unicorn"):  # only "yes" is offered, and a selected "no"
            counts = {v: c for v, c in counts.items() if v == "yes" or params.get(facet) == v}
        assert {value: shown[facet].get(value, 0) for value in counts} == counts, facet


@pytest.mark.parametrize("query", ["anxin", "ANXIN bio", "brain", "安心", "oncology helix",
                                   "nothing-like-this"])
def test_directory_search_lists_and_counts_every_match_once(client, directory, query):
    expected = set(Organisation.objects.published().search(query).values_list("name", flat=True))
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    listed = [organisation.name for organisation in response.context["organisations"]]
    assert len(listed) == len(set(listed))
    assert response.context["paginator"].count == len(expected)
    assert set(listed) <= expected
    assert "Anxin Draft" not in listed


def test_site_search_counts_equal_the_matches(client, directory):
    response = client.get("/search/", {"q": "anxin"})
    organisations = response.context["results"][0]
    expected = Organisation.objects.published().search("anxin")
    assert organisations["count"] == expected.count()
    assert [o.pk for o in organisations["items"]] == [o.pk for o in expected[:5]]


def test_related_organisations_share_the_most_sectors_first(client, make_sector,
                                                            make_organisation):
    a, b, c = make_sector(), make_sector(), make_sector()
    subject = make_organisation(name="Subject", sectors=[a, b, c])
    one = make_organisation(name="Alpha shares one", sectors=[a])
    three = make_organisation(name="Zeta shares three", sectors=[a, b, c])
    two = make_organisation(name="Beta shares two", sectors=[b, c])
    make_organisation(name="Draft shares three", sectors=[a, b, c], is_published=False)
    make_organisation(name="Shares none", sectors=[make_sector()])
    response = client.get(subject.get_absolute_url())
    assert response.context["related_organisations"] == [three, two, one]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
@pytest.mark.parametrize("sort", ["name", "newest", "founded"])
def test_directory_list_query_uses_a_published_index_on_sqlite(db, sort):
    from directory.filters import SORTS

    queryset = Organisation.objects.published().order_by(*SORTS[sort])[:24]
    sql, params = queryset.query.sql_with_params()
    assert '"is_published" = ' in sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


@pytest.mark.usefixtures("page_cache")
def test_facet_counts_are_shared_and_right_on_the_request_after_an_admin_edit(
    directory, publisher_client, django_assert_max_num_queries,
):
    """Two URLs with the same filters (other sort, other page) share the counts while the
    content stands; an edit in the admin shows in them on the very next request."""
    from django.test import Client
    from django.urls import reverse

    from tests.admin_forms import change_form_payload

    params = {"kind": "hospital"}
    first = Client().get(LIST, params)
    assert facet_counts(first) == expected_counts(params)
    Client().get(LIST, params | {"sort": "name"})  # the first page stored the clock's deadline
    with django_assert_max_num_queries(5):  # labels, count, page, its sectors; no aggregate
        shared = Client().get(LIST, params | {"sort": "newest"})
    assert facet_counts(shared) == facet_counts(first)

    moved = next(o for o in directory if o.kind == Organisation.Kind.HOSPITAL and o.zone)
    url = reverse("admin:directory_organisation_change", args=[moved.pk])
    form = change_form_payload(publisher_client, url, kind=Organisation.Kind.ENTERPRISE)
    assert publisher_client.post(url, form).status_code == 302

    after = Client().get(LIST, params | {"sort": "founded"})
    assert facet_counts(after) == expected_counts(params)
    assert facet_counts(after)["kind"]["hospital"] == facet_counts(first)["kind"]["hospital"] - 1
    assert facet_counts(after)["zone"] != facet_counts(first)["zone"]
