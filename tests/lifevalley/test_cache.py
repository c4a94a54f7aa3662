"""A cache that fails is a cache miss: Redis refusing or hanging never breaks a page.

Against real sockets on 127.0.0.1: a port where nothing listens (connection refused) and a
socket that accepts connections but never answers (a hung Redis).
"""

import logging
import socket
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from lifevalley import cache as fail_soft
from lifevalley.settings import redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused_url():
    """A Redis URL where nothing listens: the port is taken from the OS and closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/1"


@pytest.fixture
def hung_url():
    """A Redis URL that accepts connections (kernel backlog) and never answers a command."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/1"
    server.close()


@pytest.fixture
def pages(published_event, make_organisation, make_zone, park_profile):
    zone = make_zone(slug="frontier-technology")
    organisation = make_organisation(slug="beigene", zone=zone)
    return [
        "/", "/zh-hans/", reverse("zones:list"), zone.get_absolute_url(),
        reverse("directory:list"), organisation.get_absolute_url(), reverse("events:list"),
        published_event.get_absolute_url(), reverse("events:feed"),
        reverse("events:ics", args=[published_event.slug]), reverse("search") + "?q=forum",
        "/sitemap.xml", "/admin/login/", "/healthz",
    ]


@pytest.mark.parametrize("url_fixture", ["refused_url", "hung_url"])
def test_pages_answer_200_when_redis_fails(client, settings, pages, caplog, request,
                                           url_fixture):
    url = request.getfixturevalue(url_fixture)
    settings.CACHES = {"default": redis_cache(url, timeout=0.25)}  # resets the connections
    caplog.set_level(logging.WARNING, logger="lifevalley.cache")
    started = time.monotonic()
    statuses = {page: client.get(page).status_code for page in pages}
    elapsed = time.monotonic() - started
    assert statuses == dict.fromkeys(pages, 200)
    # One socket timeout at most, then the server is left alone: a hung Redis cannot stall.
    assert elapsed < 10
    messages = [r.getMessage() for r in caplog.records if r.name == "lifevalley.cache"]
    assert len(messages) == 1, messages
    assert url.rsplit("/", 1)[0] in messages[0]


def test_hung_redis_costs_one_short_timeout(settings, hung_url):
    settings.CACHES = {"default": redis_cache(hung_url, timeout=0.25)}
    started = time.monotonic()
    assert cache.get("park-profile", "missed") == "missed"
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("park-profile") is None
        cache.set("park-profile", "x")
    rest = time.monotonic() - started
    assert first < 2 and rest < 0.5


def test_failures_are_logged_once_a_minute(settings, refused_url, caplog, monkeypatch):
    settings.CACHES = {"default": redis_cache(refused_url, timeout=0.25)}
    monkeypatch.setattr(fail_soft, "RETRY_SECONDS", 0)  # try Redis on every call
    caplog.set_level(logging.WARNING, logger="lifevalley.cache")
    for _ in range(10):
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.add("a", 1) is False
    assert len([r for r in caplog.records if r.name == "lifevalley.cache"]) == 1


def test_admin_login_works_when_redis_fails(client, settings, refused_url, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.com", "s3cret-pass-word")
    settings.CACHES = {"default": redis_cache(refused_url, timeout=0.25)}
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "s3cret-pass-word"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
