"""Operating the portal: JSON log lines, request ids, slow requests and Prometheus metrics."""

import io
import json
import logging
import re

import pytest
from django.urls import reverse

from lifevalley.observability import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The request logger's output, formatted as in production (one JSON object a line)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("lifevalley.request")
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


def metric(client, name):
    """The value of one Prometheus sample from /metrics (0 when it has not been counted yet)."""
    body = client.get("/metrics").content.decode()
    match = re.search(rf"^{re.escape(name)} (\S+)$", body, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_request_id_well_formed_is_passed_back(client):
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")

    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("incoming", ["", "short", "bad id with spaces\r\nX-Evil: 1", "é" * 20])
def test_request_id_malformed_is_replaced_by_uuid(client, incoming):
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID=incoming)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_line_is_one_json_object_with_request_fields(client, log_lines):
    response = client.get("/directory/", HTTP_X_REQUEST_ID="req-0001-from-nginx")

    [line] = [entry for entry in log_lines() if entry.get("path") == "/directory/"]
    assert line["request_id"] == "req-0001-from-nginx" == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "user" not in line


def test_log_line_names_staff_user(staff_client, log_lines):
    staff_client.get("/admin/")

    [line] = [entry for entry in log_lines() if entry.get("path") == "/admin/"]
    assert line["user"] == "staff"
    assert line["status"] == 200


def test_log_line_for_missing_page_has_its_status(client, log_lines):
    client.get("/directory/no-such-organisation/")

    [line] = [e for e in log_lines() if e.get("path") == "/directory/no-such-organisation/"]
    assert line["status"] == 404


def test_slow_request_logged_as_warning(client, log_lines, settings):
    settings.SLOW_REQUEST_MS = 0
    settings.ACCESS_LOG = False

    client.get("/events/")

    [line] = [entry for entry in log_lines() if entry.get("path") == "/events/"]
    assert line["level"] == "WARNING"
    assert line["slow"] is True


def test_fast_request_not_logged_without_access_log(client, log_lines, settings):
    settings.SLOW_REQUEST_MS = 60_000
    settings.ACCESS_LOG = False

    client.get("/events/")

    assert [entry for entry in log_lines() if entry.get("path") == "/events/"] == []


def test_metrics_count_feed_builds_and_cache_hits(client, make_event):
    make_event()
    builds = metric(client, "lifevalley_feed_builds_total")
    hits = metric(client, 'django_cache_get_hits_total{backend="LocMemCache"}')

    first = client.get(reverse("events:feed"))
    second = client.get(reverse("events:feed"))

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert metric(client, "lifevalley_feed_builds_total") == builds + 1
    assert metric(client, 'django_cache_get_hits_total{backend="LocMemCache"}') > hits


def test_metrics_count_requests_and_responses_by_status(client):
    before = metric(client, 'django_http_responses_total_by_status_total{status="404"}')

    client.get("/directory/no-such-organisation/")

    after = metric(client, 'django_http_responses_total_by_status_total{status="404"}')
    assert after == before + 1


def test_metrics_refused_when_request_came_through_the_proxy(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.status_code == 404
    assert b"django_http" not in response.content
