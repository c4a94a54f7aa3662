"""The public JSON API, tried as a developer would: through its URLs, with the pages' filters."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.policies import ClientRateThrottle
from tests.conftest import next_week_at

pytestmark = pytest.mark.django_db

LISTS = ["zones", "projects", "organisations", "events", "events/past", "sectors", "categories"]


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(data):
    return [item["slug"] for item in data["results"]]


# Lists, details and what they show ---------------------------------------------------------

def test_zone_list_and_detail_with_projects_and_focus_areas(
    client, site_url, make_zone, make_project, make_sector
):
    sector = make_sector(name="Biomedicine", slug="biomedicine")
    zone = make_zone(name="Frontier Zone", slug="frontier", focus_areas=[sector])
    make_project(zone=zone, name="New Base", slug="new-base")
    make_project(zone=zone, name="Secret Base", slug="secret-base", is_published=False)
    make_zone(slug="draft-zone", is_published=False)

    data = get_json(client, "/api/v1/zones/")
    assert data["count"] == 1
    [item] = data["results"]
    assert item["slug"] == "frontier"
    assert item["id"] == zone.pk
    assert item["url"] == "https://www.lifevalley.example/zones/frontier/"
    assert item["api_url"] == "https://www.lifevalley.example/api/v1/zones/frontier/"
    assert [project["slug"] for project in item["projects"]] == ["new-base"]
    assert item["focus_areas"] == [{
        "slug": "biomedicine", "name": "Biomedicine",
        "api_url": "https://www.lifevalley.example/api/v1/sectors/biomedicine/",
    }]
    assert get_json(client, "/api/v1/zones/frontier/") == item


@pytest.mark.parametrize(
    "url", ["/api/v1/zones/draft/", "/api/v1/organisations/draft/", "/api/v1/events/draft/",
            "/api/v1/projects/draft/", "/api/v1/sectors/nope/", "/api/v1/events/nope/"]
)
def test_detail_of_draft_or_unknown_slug_is_404(
    client, url, make_zone, make_organisation, make_event, make_project
):
    make_zone(slug="draft", is_published=False)
    make_organisation(slug="draft", is_published=False)
    make_event(slug="draft", is_published=False)
    make_project(slug="draft", is_published=False)
    assert list(get_json(client, url, status=404)) == ["detail"]


def test_project_in_a_draft_zone_is_left_out(client, make_zone, make_project):
    make_project(slug="shown")
    make_project(slug="hidden", zone=make_zone(is_published=False))
    assert slugs(get_json(client, "/api/v1/projects/")) == ["shown"]
    assert client.get("/api/v1/projects/hidden/").status_code == 404


def test_organisation_never_names_a_draft_zone(client, make_zone, make_organisation, make_sector):
    draft_zone = make_zone(slug="secret-zone", is_published=False)
    make_organisation(slug="acme", zone=draft_zone, sectors=[make_sector(slug="devices")])
    make_organisation(slug="hidden", is_published=False)

    data = get_json(client, "/api/v1/organisations/")
    assert slugs(data) == ["acme"]
    assert data["results"][0]["zone"] is None
    assert [s["slug"] for s in data["results"][0]["sectors"]] == ["devices"]
    assert "secret-zone" not in json.dumps(get_json(client, "/api/v1/organisations/acme/"))


def test_event_shows_uid_and_only_public_relations(
    client, site_url, make_event, make_zone, make_organisation, make_venue
):
    organiser = make_organisation(slug="host")
    secret = make_organisation(slug="secret-host", is_published=False)
    parent = make_event(slug="main-forum")
    event = make_event(
        slug="forum", zone=make_zone(slug="secret-zone", is_published=False),
        organisers=[organiser, secret], venue=make_venue(name="Hall A"), parent=parent,
        speakers=["Dr Li"],
    )
    make_event(slug="secret-satellite", parent=event, is_published=False)

    listed = {item["slug"]: item for item in get_json(client, "/api/v1/events/")["results"]}
    assert set(listed) == {"main-forum", "forum"}
    item = listed["forum"]
    assert item["uid"] == event.uid
    assert item["zone"] is None
    assert [o["slug"] for o in item["organisers"]] == ["host"]
    assert item["venue"] == {"name": "Hall A", "address": event.venue.address}
    assert item["ics_url"] == "https://www.lifevalley.example/events/forum.ics"

    detail = get_json(client, "/api/v1/events/forum/")
    assert detail["uid"] == event.uid
    assert [speaker["name"] for speaker in detail["speakers"]] == ["Dr Li"]
    assert detail["parent"]["slug"] == "main-forum"
    assert detail["satellites"] == []
    assert "secret" not in json.dumps(detail)


def test_past_events_most_recent_first(client, make_event):
    make_event(slug="soon")
    for slug, days in (("long-ago", -60), ("last-month", -30)):
        start = next_week_at(days=days)
        make_event(slug=slug, starts_at=start)
    assert slugs(get_json(client, "/api/v1/events/past/")) == ["last-month", "long-ago"]
    assert slugs(get_json(client, "/api/v1/events/")) == ["soon"]


def test_sectors_and_categories(client, make_sector, make_event_category):
    make_sector(slug="biomedicine", name="Biomedicine")
    make_event_category(slug="forum", name="Forum")
    assert slugs(get_json(client, "/api/v1/sectors/")) == ["biomedicine"]
    category = get_json(client, "/api/v1/categories/forum/")
    assert category["name"] == "Forum"
    assert category["url"].endswith("/events/?category=forum")


# Filters: the pages' own, with the pages' messages -----------------------------------------

def test_organisation_filters_match_the_directory_page(
    client, make_organisation, make_sector, make_zone
):
    devices, drugs = make_sector(slug="devices"), make_sector(slug="drugs")
    zone = make_zone(slug="core")
    make_organisation(name="Alpha", slug="alpha", sectors=[devices], zone=zone)
    make_organisation(name="Beta", slug="beta", sectors=[drugs], zone=zone, is_unicorn=True)
    make_organisation(name="Gamma", slug="gamma", sectors=[devices])
    make_organisation(name="Delta", slug="delta", sectors=[drugs], zone=zone,
                      kind="research")

    for query in ("sector=devices", "sector=devices&sector=drugs&zone=core",
                  "unicorn=yes", "kind=research", "q=Gamma", "sort=newest&zone=core"):
        page = client.get(f"/directory/?{query}")
        expected = [organisation.slug for organisation in page.context["organisations"]]
        assert slugs(get_json(client, f"/api/v1/organisations/?{query}")) == expected, query
    assert slugs(get_json(client, "/api/v1/organisations/?sector=devices&zone=core")) == ["alpha"]


def test_event_filters_match_the_events_page(client, make_event, make_zone, make_event_category,
                                             make_organisation):
    forum = make_event_category(slug="forum")
    zone = make_zone(slug="core")
    host = make_organisation(slug="host")
    make_event(slug="a", category=forum, zone=zone)
    make_event(slug="b", category=forum, organisers=[host])
    make_event(slug="c", zone=zone, organisers=[host])

    for query in ("category=forum", "zone=core", "organiser=host", "category=forum&zone=core"):
        page = client.get(f"/events/?{query}")
        expected = [event.slug for event in page.context["events"]]
        assert slugs(get_json(client, f"/api/v1/events/?{query}")) == expected, query
    assert slugs(get_json(client, "/api/v1/events/?zone=core&organiser=host")) == ["c"]


def html_errors(client, url):
    response = client.get(url)
    assert response.status_code == 400
    return {name: [str(e) for e in errors] for name, errors in
            response.context["filter"].form.errors.items()}


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("directory", "zone=nowhere"),
        ("directory", "kind=alien"),
        ("directory", "sector=nope"),
        ("directory", "sort=random"),
        ("directory", "listed=maybe"),
        ("directory", "q=" + "x" * 10_000),
        ("directory", "q=a%00b"),
        ("events", "category=nope"),
        ("events", "zone=bad%20slug!"),
        ("events", "after=2024-13-01"),
        ("events", "after=2026-05-02&before=2026-05-01"),
        ("events", "before=9999-01-01"),
        ("events", "q=" + "x" * 10_000),
    ],
)
def test_bad_filter_is_400_with_the_pages_message(client, page, query, make_organisation):
    api = "organisations" if page == "directory" else "events"
    expected = html_errors(client, f"/{page}/?{query}")
    assert expected  # the page itself says what was wrong
    assert get_json(client, f"/api/v1/{api}/?{query}", status=400) == expected


# Pagination -------------------------------------------------------------------------------

def test_pages_link_on_the_site_address(client, settings, site_url, make_organisation):
    settings.API_PAGE_SIZE = 2
    settings.ALLOWED_HOSTS = ["app-server.internal"]  # behind the proxy, under its own name
    for letter in "abc":
        make_organisation(name=f"Org {letter}", slug=f"org-{letter}")
    first = get_json(client, "/api/v1/organisations/?kind=enterprise",
                     HTTP_HOST="app-server.internal")
    assert first["count"] == 3
    assert slugs(first) == ["org-a", "org-b"]
    assert first["previous"] is None
    assert first["next"] == "https://www.lifevalley.example/api/v1/organisations/?kind=enterprise&page=2"
    second = get_json(client, "/api/v1/organisations/?kind=enterprise&page=2",
                      HTTP_HOST="app-server.internal")
    assert slugs(second) == ["org-c"]
    assert second["next"] is None


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1"])
def test_bad_page_is_404_saying_so(client, page, make_organisation):
    make_organisation()
    data = get_json(client, f"/api/v1/organisations/?page={page}", status=404)
    assert data["detail"].startswith(f"There is no page “{page}” in these results")


# HTTP behaviour ---------------------------------------------------------------------------

def test_etag_answers_304_until_content_changes(client, make_organisation):
    organisation = make_organisation(slug="acme")
    first = client.get("/api/v1/organisations/acme/")
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get("/api/v1/organisations/acme/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    organisation.summary = "Makes stents"
    organisation.save()
    changed = client.get("/api/v1/organisations/acme/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["summary"] == "Makes stents"


def test_chinese_under_zh_hans_with_same_identifiers(client, site_url, make_organisation,
                                                     make_event):
    make_organisation(slug="acme", name_en="Acme Medical", name_zh_hans="艾克米医疗")
    event = make_event(slug="forum", title_en="Forum", title_zh_hans="论坛")
    english = get_json(client, "/api/v1/organisations/acme/")
    chinese = get_json(client, "/zh-hans/api/v1/organisations/acme/")
    assert (english["name"], chinese["name"]) == ("Acme Medical", "艾克米医疗")
    assert english["id"] == chinese["id"]
    assert chinese["url"] == "https://www.lifevalley.example/zh-hans/directory/acme/"
    assert chinese["api_url"] == "https://www.lifevalley.example/zh-hans/api/v1/organisations/acme/"
    chinese_event = get_json(client, "/zh-hans/api/v1/events/forum/")
    assert (chinese_event["title"], chinese_event["uid"]) == ("论坛", event.uid)
    expected = html_errors(client, "/zh-hans/events/?zone=nope")
    assert get_json(client, "/zh-hans/api/v1/events/?zone=nope", status=400) == expected
    assert not expected["zone"][0].isascii()  # the page's own message, in Chinese


def test_cors_open_for_reading_the_api_only(client, make_zone):
    make_zone()
    response = client.get("/api/v1/zones/", HTTP_ORIGIN="https://data.beijing.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/zh-hans/api/v1/zones/", HTTP_ORIGIN="https://data.beijing.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    page = client.get("/zones/", HTTP_ORIGIN="https://data.beijing.example")
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(client, method, make_zone):
    make_zone(slug="core")
    response = getattr(client, method)("/api/v1/zones/core/", content_type="application/json")
    assert response.status_code == 405


def test_rate_limited_per_client_address(client, settings, monkeypatch, make_zone):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    settings.TRUSTED_PROXY_COUNT = 1
    make_zone()
    # The client forges the left part of X-Forwarded-For; the proxy appends the real address.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        response = client.get("/api/v1/zones/", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
        assert response.status_code == 200
    blocked = client.get("/api/v1/zones/", HTTP_X_FORWARDED_FOR="4.4.4.4, 203.0.113.7")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    other = client.get("/api/v1/zones/", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200


def test_page_cache_does_not_hold_api_answers(client, page_cache, make_organisation):
    organisation = make_organisation(slug="acme", summary="Before")
    assert get_json(client, "/api/v1/organisations/acme/")["summary"] == "Before"
    assert "X-Page-Cache" not in client.get("/api/v1/organisations/acme/")
    organisation.summary = "After"
    organisation.save()
    assert get_json(client, "/api/v1/organisations/acme/")["summary"] == "After"
    listed = client.get("/api/v1/organisations/")
    revalidated = client.get("/api/v1/organisations/", HTTP_IF_NONE_MATCH=listed["ETag"])
    assert revalidated.status_code == 304


def test_root_lists_every_resource(client, site_url):
    data = get_json(client, "/api/v1/")
    assert data == {
        "zones": f"{site_url}/api/v1/zones/",
        "projects": f"{site_url}/api/v1/projects/",
        "organisations": f"{site_url}/api/v1/organisations/",
        "events": f"{site_url}/api/v1/events/",
        "sectors": f"{site_url}/api/v1/sectors/",
        "categories": f"{site_url}/api/v1/categories/",
        "schema": f"{site_url}/api/v1/schema/",
        "documentation": f"{site_url}/developers/",
    }


# Query counts -----------------------------------------------------------------------------

# A COUNT, the page, and one query per to-many relation shown (zones: focus areas, projects;
# organisations: sectors; events: organisers).
LIST_QUERIES = {"zones": 4, "projects": 2, "organisations": 3, "events": 3, "events/past": 3,
                "sectors": 2, "categories": 2}


def fill(count, make_zone, make_project, make_organisation, make_sector, make_event):
    for _ in range(count):
        zone = make_zone(focus_areas=[make_sector()])
        make_project(zone=zone)
        organisation = make_organisation(zone=zone, sectors=[make_sector(), make_sector()])
        make_event(zone=zone, organisers=[organisation])
        make_event(zone=zone, organisers=[organisation], starts_at=next_week_at(days=-30))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_the_data(
    client, path, make_zone, make_project, make_organisation, make_sector, make_event
):
    makers = (make_zone, make_project, make_organisation, make_sector, make_event)
    fill(1, *makers)
    small = queries_for(client, f"/api/v1/{path}/")
    fill(3, *makers)
    assert queries_for(client, f"/api/v1/{path}/") == small
    assert small == LIST_QUERIES[path]


def test_detail_queries_are_few(client, django_assert_max_num_queries, make_event,
                                make_organisation):
    make_event(slug="forum", organisers=[make_organisation(), make_organisation()],
               speakers=["A", "B", "C"])
    with django_assert_max_num_queries(5):
        client.get("/api/v1/events/forum/")


# Schema and documentation -----------------------------------------------------------------

def test_schema_describes_every_list_with_the_pages_filters(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(
        [f"/api/v1/{path}/" for path in LISTS]
        + [f"/api/v1/{path}/{{slug}}/" for path in LISTS if path != "events/past"]
    )

    def parameters(path):
        return sorted(p["name"] for p in schema["paths"][path]["get"].get("parameters", []))

    assert parameters("/api/v1/organisations/") == [
        "kind", "listed", "page", "q", "sector", "sort", "unicorn", "zone"
    ]
    assert parameters("/api/v1/events/") == parameters("/api/v1/events/past/") == [
        "after", "before", "category", "organiser", "page", "q", "zone"
    ]


def test_developers_page_documents_the_api_in_both_languages(client, site_url):
    response = client.get("/developers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{site_url}/api/v1/schema/"' in html
    for path in ("/api/v1/organisations/", "/api/v1/events/past/", "/api/v1/zones/{slug}/"):
        assert f"<code>GET {path}</code>" in html
    assert "<code>research</code>" in html  # the kinds the directory filter accepts
    assert "<script" not in html.split("<main", 1)[1]  # no documentation app from a CDN
    chinese = client.get("/zh-hans/developers/").content.decode()
    assert "<code>GET /zh-hans/api/v1/organisations/</code>" in chinese
    assert 'lang="zh-hans"' in chinese
