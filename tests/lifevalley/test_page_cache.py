"""The page cache: anonymous visitors get whole pages from the shared cache, never stale, never
someone else's (lifevalley/page_cache.py)."""

import datetime
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache

from directory.models import Organisation
from event_sources.models import EventSource, SourceRun
from events.models import EventCategory, Speaker, Venue
from lifevalley import page_cache as page_cache_module
from lifevalley.models import KeyFigure, ParkProfile, Sector
from lifevalley.timezones import BEIJING
from tests.admin_forms import zone_form
from tests.csv_import import confirm, csv_bytes, upload
from zones.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = "redis://127.0.0.1:6379/5"  # this test's own database on the shared Redis


def visitor():
    """A fresh anonymous browser: no cookies."""
    return Client()


def served(response):
    """How the page cache answered: "hit", "miss" (rendered and stored) or "" (not cached)."""
    return response.headers.get("X-Page-Cache", "")


def text(response):
    return response.content.decode()


@pytest.fixture
def park(make_zone, make_project, make_organisation, make_sector, make_event, make_venue,
         make_key_figure, park_profile):
    """A small park where every kind of content shows on some public page."""
    sector = make_sector(name="Neuroscience", slug="neuroscience")
    zone = make_zone(name="Frontier Technology Zone", slug="frontier", name_zh_hans="未来科技区")
    make_project(name="Innovation Park Phase II", zone=zone)
    organisation = make_organisation(name="Changping Laboratory", slug="changping-laboratory",
                                     zone=zone, sectors=[sector])
    event = make_event(title="Life Valley Forum", slug="forum", zone=zone,
                       venue=make_venue(name="Conference Centre"),
                       organisers=[organisation], speakers=["Zhi Xianwei"])
    make_key_figure(label="pharmaceutical enterprises")
    return {"zone": zone, "organisation": organisation, "event": event, "sector": sector}


# Hits ------------------------------------------------------------------------------------------

def count_cache_calls():
    backend = page_cache_module.page_cache()
    names = ("get", "get_many", "set", "set_many", "add", "incr", "delete", "has_key")
    patches = [mock.patch.object(backend, name, wraps=getattr(backend, name)) for name in names]
    return patches


@pytest.mark.parametrize("url", ["/", "/zones/frontier/", "/directory/", "/events/",
                                 "/directory/changping-laboratory/", "/events/forum/",
                                 "/search/?q=forum", "/zh-hans/events/"])
def test_page_cache_hit_runs_no_query_and_at_most_two_cache_calls(
        park, url, django_assert_num_queries):
    first = visitor().get(url)
    assert (first.status_code, served(first)) == (200, "miss")
    patches = count_cache_calls()
    mocks = [patch.start() for patch in patches]
    try:
        with django_assert_num_queries(0):
            again = visitor().get(url)
    finally:
        for patch in patches:
            patch.stop()
    assert (again.status_code, served(again)) == (200, "hit")
    assert sum(m.call_count for m in mocks) <= 2
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"


def test_page_cache_shares_an_entry_whatever_the_order_of_the_query(park):
    visitor().get("/directory/?kind=enterprise&zone=frontier")
    response = visitor().get("/directory/?zone=frontier&kind=enterprise")
    assert served(response) == "hit"
    assert served(visitor().get("/directory/?zone=frontier")) == "miss"


def test_page_cache_off_switch_renders_every_request(park, settings):
    settings.PAGE_CACHE_ENABLED = False
    visitor().get("/events/")
    response = visitor().get("/events/")
    assert (response.status_code, served(response)) == (200, "")
    assert response.context is not None


# An edit shows on the very next request ---------------------------------------------------------

def rename_event(park):
    park["event"].title = "Renamed Forum"
    park["event"].save()


def rename_venue(park):
    venue = Venue.objects.get()
    venue.name = "Renamed Hall"
    venue.save()


def replace_speaker(park):
    Speaker.objects.get(name="Zhi Xianwei").delete()
    Speaker.objects.create(event=park["event"], name="Qiang Liu")


def rename_category(park):
    category = EventCategory.objects.get(pk=park["event"].category_id)
    category.name = "Renamed Symposia"
    category.save()


def rename_sector(park):
    sector = Sector.objects.get(slug="neuroscience")
    sector.name = "Brain Science"
    sector.save()


def change_sectors(park):
    park["organisation"].sectors.add(Sector.objects.create(name="Oncology", slug="oncology"))


def rename_zone(park):
    park["zone"].name = "Renamed Zone"
    park["zone"].save()


def rename_project(park):
    project = Project.objects.get()
    project.name = "Renamed Project"
    project.save()


def rename_organisation(park):
    park["organisation"].name = "Renamed Laboratory"
    park["organisation"].save()


def change_profile(park):
    profile = ParkProfile.objects.get()
    profile.phone = "+86-010-99999999"
    profile.save()


def change_key_figure(park):
    figure = KeyFigure.objects.get()
    figure.label = "renamed enterprises"
    figure.save()


def delete_event(park):
    park["event"].delete()


@pytest.mark.parametrize(
    ("url", "edit", "shown"),
    [
        ("/events/", rename_event, "Renamed Forum"),
        ("/events/forum/", rename_venue, "Renamed Hall"),
        ("/events/forum/", replace_speaker, "Qiang Liu"),
        ("/events/forum/", rename_category, "Renamed Symposia"),
        ("/directory/changping-laboratory/", rename_sector, "Brain Science"),
        ("/directory/changping-laboratory/", change_sectors, "Oncology"),
        ("/zones/", rename_zone, "Renamed Zone"),
        ("/zones/frontier/", rename_project, "Renamed Project"),
        ("/directory/", rename_organisation, "Renamed Laboratory"),
        ("/directory/", change_profile, "+86-010-99999999"),
        ("/", change_key_figure, "renamed enterprises"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_edit_of_any_content_shows_on_the_next_request(park, url, edit, shown):
    visitor().get(url)
    assert served(visitor().get(url)) == "hit"
    assert shown not in text(visitor().get(url))
    edit(park)
    response = visitor().get(url)
    assert (response.status_code, served(response)) == (200, "miss")
    assert shown in text(response)


def test_deleted_event_is_gone_on_the_next_request(park):
    assert visitor().get("/events/forum/").status_code == 200
    assert "Life Valley Forum" in text(visitor().get("/events/"))
    delete_event(park)
    assert visitor().get("/events/forum/").status_code == 404
    assert "Life Valley Forum" not in text(visitor().get("/events/"))


@pytest.mark.parametrize(
    "write",
    [
        lambda: Organisation.objects.filter(slug="changping-laboratory").update(
            name="Updated In Bulk"),
        lambda: Organisation.objects.bulk_update(
            [Organisation(pk=Organisation.objects.get().pk, name="Updated In Bulk")], ["name"]),
        lambda: Organisation.objects.bulk_create([Organisation(
            name="Updated In Bulk", slug="bulk", kind="enterprise", is_published=True)]),
    ],
    ids=["update", "bulk_update", "bulk_create"],
)
def test_bulk_write_without_signals_shows_on_the_next_request(park, write):
    visitor().get("/directory/")
    assert served(visitor().get("/directory/")) == "hit"
    write()
    response = visitor().get("/directory/")
    assert "Updated In Bulk" in text(response)


def test_a_calendar_source_and_its_sync_reports_leave_the_cached_pages(park, make_event_category):
    """event_sources is staff content but never shown: its writes keep the page version."""
    category = make_event_category()
    visitor().get("/events/")
    assert served(visitor().get("/events/")) == "hit"
    source = EventSource.objects.create(
        name="Institute seminars", url="https://calendar.example/seminars.ics", category=category
    )
    SourceRun.objects.create(source=source, fetched_bytes=1200, new=1)
    assert served(visitor().get("/events/")) == "hit"


# Through the admin ------------------------------------------------------------------------------

def test_publisher_edit_in_the_admin_shows_on_the_next_visitor_request(park, publisher_client):
    zone = park["zone"]
    visitor().get("/zones/frontier/")
    assert served(visitor().get("/zones/frontier/")) == "hit"
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    form = zone_form(publisher_client, zone, name_en="Future Science City")
    response = publisher_client.post(url, form)
    assert response.status_code == 302
    page = visitor().get("/zones/frontier/")
    assert "Future Science City" in text(page)
    assert "Frontier Technology Zone" not in text(page)


def test_unpublish_action_takes_the_page_down_at_once(park, publisher_client):
    assert visitor().get("/events/forum/").status_code == 200
    assert served(visitor().get("/events/forum/")) == "hit"
    publisher_client.post(reverse("admin:events_event_changelist"),
                          {"action": "unpublish_selected", "_selected_action": [park["event"].pk]})
    assert visitor().get("/events/forum/").status_code == 404
    publisher_client.post(reverse("admin:events_event_changelist"),
                          {"action": "publish_selected", "_selected_action": [park["event"].pk]})
    assert visitor().get("/events/forum/").status_code == 200


def test_feature_action_through_queryset_update_shows_on_the_home_page(park, publisher_client):
    assert "Featured organisations" not in text(visitor().get("/"))
    assert served(visitor().get("/")) == "hit"
    publisher_client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "feature_selected", "_selected_action": [park["organisation"].pk]},
    )
    assert Organisation.objects.get().is_featured
    home = text(visitor().get("/"))
    assert "Featured organisations" in home
    assert "Changping Laboratory" in home


def test_csv_import_shows_on_the_next_visitor_request(park, publisher_client):
    visitor().get("/directory/")
    assert served(visitor().get("/directory/")) == "hit"
    data = csv_bytes(
        [{"name": "Sinovac Biotech", "kind": "enterprise", "published": "yes"},
         {"slug": "changping-laboratory", "name": "Changping Laboratory (CPL)",
          "kind": "research", "published": "yes"}],
        columns=["slug", "name", "kind", "published"],
    )
    done = confirm(publisher_client, upload(publisher_client, data))
    assert done.status_code == 302
    listing = text(visitor().get("/directory/"))
    assert "Sinovac Biotech" in listing
    assert "Changping Laboratory (CPL)" in listing


# The clock alone --------------------------------------------------------------------------------

def test_scheduled_publish_from_passing_shows_the_item_without_any_write(
        clock, make_event, django_assert_num_queries):
    moment = clock.now.replace(microsecond=0) + datetime.timedelta(minutes=5)
    make_event(title="Embargoed Symposium", slug="embargoed", publish_from=moment,
               starts_at=moment + datetime.timedelta(days=3))
    assert "Embargoed Symposium" not in text(visitor().get("/events/"))
    clock.set(moment - datetime.timedelta(seconds=1))
    with django_assert_num_queries(0):
        just_before = visitor().get("/events/")
    assert served(just_before) == "hit"
    assert "Embargoed Symposium" not in text(just_before)
    clock.set(moment)
    on_time = visitor().get("/events/")
    assert "Embargoed Symposium" in text(on_time)
    assert visitor().get("/events/embargoed/").status_code == 200


def test_publish_until_passing_takes_the_item_down_on_time(clock, make_organisation):
    moment = clock.now.replace(microsecond=0) + datetime.timedelta(minutes=3)
    make_organisation(name="Expiring Biotech", slug="expiring", publish_until=moment)
    assert "Expiring Biotech" in text(visitor().get("/directory/"))
    clock.set(moment - datetime.timedelta(seconds=1))
    assert served(visitor().get("/directory/")) == "hit"
    clock.set(moment)
    assert "Expiring Biotech" not in text(visitor().get("/directory/"))
    assert visitor().get("/directory/expiring/").status_code == 404


def test_event_ending_leaves_the_upcoming_list_on_time(clock, make_event):
    ends = clock.now.replace(microsecond=0) + datetime.timedelta(minutes=5)
    make_event(title="Afternoon Seminar", starts_at=ends - datetime.timedelta(hours=2),
               ends_at=ends)
    assert "Afternoon Seminar" in text(visitor().get("/events/"))
    assert "Afternoon Seminar" not in text(visitor().get("/events/past/"))
    clock.set(ends - datetime.timedelta(seconds=1))
    assert served(visitor().get("/events/")) == "hit"
    clock.set(ends + datetime.timedelta(seconds=1))
    assert "Afternoon Seminar" not in text(visitor().get("/events/"))
    assert "Afternoon Seminar" in text(visitor().get("/events/past/"))


def first_occurrence(html):
    """The start (ISO) of the first date listed under "next dates" on an event page."""
    listing = html.split('<ul class="occurrences">', 1)[1]
    return re.search(r'<time datetime="([^"]+)"', listing).group(1)


def test_running_series_shows_its_next_date_once_the_current_one_ends(clock, make_event):
    start = datetime.datetime.combine(
        timezone.localtime(clock.now, BEIJING).date() - datetime.timedelta(days=1),
        datetime.time(9), BEIJING,
    )
    make_event(title="Daily Seminar", slug="daily", starts_at=start,
               ends_at=start + datetime.timedelta(hours=2),
               recurrence_rule="FREQ=DAILY;COUNT=30")
    today, tomorrow = start + datetime.timedelta(days=1), start + datetime.timedelta(days=2)
    clock.set(today + datetime.timedelta(hours=1, minutes=55))  # during today's seminar
    during = visitor().get("/events/daily/")
    assert first_occurrence(text(during)) == today.isoformat()
    clock.set(today + datetime.timedelta(hours=2, seconds=-1))  # its last second
    assert served(visitor().get("/events/daily/")) == "hit"
    clock.set(today + datetime.timedelta(hours=2, seconds=1))  # today's one is over
    after = visitor().get("/events/daily/")
    assert first_occurrence(text(after)) == tomorrow.isoformat()


def today_cell(html):
    """The day number in the month grid's cell marked as today."""
    match = re.search(r'aria-current="date">\s*<(?:a|span) class="day-number"[^>]*>(\d+)<', html)
    return int(match.group(1))


def test_month_grid_moves_today_at_beijing_midnight(clock):
    local = timezone.localtime(clock.now, BEIJING)
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1),
                                         datetime.time.min, BEIJING)
    if midnight.day == 1:  # stay inside one month, so that one grid shows both days
        midnight -= datetime.timedelta(days=1)
    clock.set(midnight - datetime.timedelta(minutes=5))
    url = f"/events/calendar/{midnight.year}/{midnight.month}/"
    before = visitor().get(url)
    clock.set(midnight - datetime.timedelta(seconds=1))
    assert served(visitor().get(url)) == "hit"
    clock.set(midnight)
    after = visitor().get(url)
    assert served(after) == "miss"
    assert (today_cell(text(before)), today_cell(text(after))) == (
        (midnight - datetime.timedelta(days=1)).day, midnight.day)


# Never someone else's page ----------------------------------------------------------------------

def test_cached_public_page_never_reaches_a_logged_in_editor(park, editor_client):
    visitor().get("/zones/frontier/")
    assert served(visitor().get("/zones/frontier/")) == "hit"
    response = editor_client.get("/zones/frontier/")
    assert response.status_code == 200
    assert served(response) == ""
    assert response.context is not None  # rendered for the editor, not taken from the cache


def test_editor_pages_never_reach_the_public(park, make_event, editor_client):
    draft = make_event(title="Secret Draft Forum", slug="secret", is_published=False)
    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: this page is not public" in text(preview)
    editor_client.get("/events/forum/")
    assert visitor().get(draft.get_absolute_url()).status_code == 404
    public = visitor().get("/events/forum/")
    assert served(public) == "miss"  # the editor's visit filled nothing
    assert "Preview" not in text(public)


def test_request_with_a_session_cookie_neither_reads_nor_fills(park):
    visitor().get("/events/")
    with_cookie = Client()
    with_cookie.cookies["sessionid"] = "no-such-session"
    response = with_cookie.get("/events/")
    assert (response.status_code, served(response)) == (200, "")


def test_other_language_is_never_served(park):
    english = visitor().get("/zones/frontier/")
    chinese = visitor().get("/zh-hans/zones/frontier/")
    assert served(chinese) == "miss"
    assert '<html lang="en">' in text(english)
    assert '<html lang="zh-hans">' in text(chinese)
    assert "未来科技区" in text(chinese)
    again = visitor().get("/zones/frontier/")
    assert served(again) == "hit"
    assert '<html lang="en">' in text(again)
    assert "未来科技区" not in text(again)


calls = []


def cookie_view(request):
    calls.append("cookie")
    response = HttpResponse("<p>hello</p>")
    response.set_cookie("tracking", "1")
    return response


def csrf_view(request):
    calls.append("csrf")
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


@cache_control(private=True)
def private_view(request):
    calls.append("private")
    return HttpResponse("<p>yours</p>")


@never_cache
def never_cache_view(request):
    calls.append("never")
    return HttpResponse("<p>draft</p>")


def created_view(request):
    calls.append("created")
    return HttpResponse("<p>made</p>", status=201)


def plain_text_view(request):
    calls.append("text")
    return HttpResponse("ok", content_type="text/plain")


def html_view(request):
    calls.append("html")
    return HttpResponse("<p>public</p>")


urlpatterns = [
    path("cookie/", cookie_view),
    path("csrf/", csrf_view),
    path("private/", private_view),
    path("never/", never_cache_view),
    path("created/", created_view),
    path("text/", plain_text_view),
    path("html/", html_view),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/cookie/", "/csrf/", "/private/", "/never/", "/created/",
                                 "/text/"])
def test_responses_that_are_not_public_html_are_never_cached(url):
    calls.clear()
    first = visitor().get(url)
    second = visitor().get(url)
    assert (served(first), served(second)) == ("", "")
    assert len(calls) == 2


@pytest.mark.urls(__name__)
def test_public_html_response_is_cached():
    calls.clear()
    visitor().get("/html/")
    assert served(visitor().get("/html/")) == "hit"
    assert calls == ["html"]


@pytest.mark.urls(__name__)
def test_post_is_never_served_from_the_cache():
    calls.clear()
    visitor().get("/html/")
    response = Client(enforce_csrf_checks=False).post("/html/")
    assert served(response) == ""
    assert calls == ["html", "html"]


# Conditional requests ---------------------------------------------------------------------------

def test_html_pages_answer_if_none_match_with_304(park, settings, editor_client):
    first = visitor().get("/events/forum/")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    cached = visitor().get("/events/forum/", headers={"If-None-Match": etag})
    assert (cached.status_code, cached.content, cached["ETag"]) == (304, b"", etag)
    settings.PAGE_CACHE_ENABLED = False
    uncached = visitor().get("/events/forum/", headers={"If-None-Match": etag})
    assert uncached.status_code == 304
    staff = editor_client.get("/events/forum/")
    assert staff.status_code == 200 and staff.has_header("ETag")
    park["event"].title = "Forum, renamed"
    park["event"].save()
    settings.PAGE_CACHE_ENABLED = True
    changed = visitor().get("/events/forum/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# The version ------------------------------------------------------------------------------------

def test_lost_version_key_means_fresh_pages_not_old_ones(park):
    visitor().get("/zones/")
    assert served(visitor().get("/zones/")) == "hit"
    cache.delete(page_cache_module.VERSION_KEY)  # evicted, or the cache was flushed
    assert served(visitor().get("/zones/")) == "miss"


def test_next_change_is_the_earliest_scheduled_moment(clock, make_zone, make_event,
                                                      make_key_figure):
    now = clock.now
    make_zone(publish_from=now + datetime.timedelta(minutes=7))
    make_key_figure(publish_until=now + datetime.timedelta(minutes=5))
    make_key_figure(publish_until=now + datetime.timedelta(minutes=4), is_published=False)
    make_event(starts_at=now - datetime.timedelta(hours=1),
               ends_at=now + datetime.timedelta(minutes=6))
    assert page_cache_module.next_change(now) == now + datetime.timedelta(minutes=5)


def test_next_change_is_at_most_the_maximum_age_or_beijing_midnight(clock, settings):
    settings.PAGE_CACHE_SECONDS = 600
    local = timezone.localtime(clock.now, BEIJING)
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1),
                                         datetime.time.min, BEIJING)
    assert page_cache_module.next_change(clock.now) == min(
        clock.now + datetime.timedelta(seconds=600), midnight)
    clock.set(midnight - datetime.timedelta(seconds=30))
    assert page_cache_module.next_change(clock.now) == midnight


# Two app servers sharing Redis ------------------------------------------------------------------

def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


APP_SERVER = textwrap.dedent("""
    # One app server: answers each URL read from stdin as JSON (status, cache, whether the
    # marker text is on the page), through the whole middleware stack.
    import json, sys
    import django
    django.setup()
    from django.test import Client
    client = Client(HTTP_HOST="127.0.0.1")
    for line in sys.stdin:
        url, marker = line.rstrip("\\n").split(" ", 1)
        response = client.get(url)
        print(json.dumps({"status": response.status_code,
                          "cache": response.headers.get("X-Page-Cache", ""),
                          "shown": marker in response.content.decode()}), flush=True)
""")

EDITOR = textwrap.dedent("""
    # Another app server's admin: an edit saved there.
    import sys
    import django
    django.setup()
    from zones.models import Zone
    if sys.argv[1] == "create":
        Zone.objects.create(name="Frontier Technology Zone", slug="frontier", tagline="t",
                            description="d", is_published=True)
    elif sys.argv[1] == "save":
        zone = Zone.objects.get(slug="frontier")
        zone.name = "Future Science City"
        zone.save()
    elif sys.argv[1] == "update":
        Zone.objects.filter(slug="frontier").update(name="Changping Life Valley")
""")


@pytest.mark.skipif(not redis_is_up() and not os.environ.get("CI"),
                    reason="no Redis server at 127.0.0.1:6379")
def test_two_app_servers_sharing_redis_see_an_edit_at_once(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")},
        "DJANGO_SETTINGS_MODULE": "lifevalley.settings",
        "DJANGO_DATA_DIR": str(tmp_path),  # both servers on one scratch SQLite database
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": REDIS_TEST_URL,
        "PYTHONPATH": str(ROOT),
    }

    def run(*args):
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, text=True,
                                capture_output=True, timeout=180)
        assert result.returncode == 0, result.stderr
        return result

    run("manage.py", "migrate", "--verbosity", "0")
    run("-c", EDITOR, "create")
    server = subprocess.Popen([sys.executable, "-c", APP_SERVER], cwd=ROOT, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)

    def ask(url, marker):
        server.stdin.write(f"{url} {marker}\n")
        server.stdin.flush()
        return json.loads(server.stdout.readline())

    try:
        assert ask("/zones/frontier/", "Frontier Technology Zone") == {
            "status": 200, "cache": "miss", "shown": True}
        assert ask("/zones/frontier/", "Frontier Technology Zone") == {
            "status": 200, "cache": "hit", "shown": True}
        run("-c", EDITOR, "save")
        assert ask("/zones/frontier/", "Future Science City") == {
            "status": 200, "cache": "miss", "shown": True}
        assert ask("/zones/frontier/", "Future Science City")["cache"] == "hit"
        run("-c", EDITOR, "update")
        assert ask("/zones/frontier/", "Changping Life Valley") == {
            "status": 200, "cache": "miss", "shown": True}
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
