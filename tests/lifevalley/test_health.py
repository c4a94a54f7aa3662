import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_database_does_not_answer(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_answer_503_page_when_database_is_down(client):
    with mock.patch(
        "django.db.models.sql.compiler.SQLCompiler.execute_sql",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    ):
        response = client.get(reverse("zones:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"temporarily unavailable" in response.content


def test_robots_txt_points_to_sitemap_and_hides_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines


# A locked or slow PostgreSQL: statement and lock timeouts turn waits into the quick 503 ------

def _is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def session_timeouts(transactional_db):
    """Reconnect Django with the given timeouts (through the settings' libpq options); a
    connection can only be closed and reopened outside the test's transaction."""
    from django.db import connection

    from lifevalley.settings import postgres_timeouts

    if not _is_postgres():
        pytest.skip("statement_timeout and lock_timeout are PostgreSQL settings")
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = options.get("options")

    def apply(statement_ms, lock_ms):
        options["options"] = postgres_timeouts(statement_ms, lock_ms)
        connection.close()

    yield apply
    if saved is None:
        options.pop("options", None)
    else:
        options["options"] = saved
    connection.close()


@pytest.fixture
def locked_table(transactional_db):
    """Another session holding ACCESS EXCLUSIVE on the organisations table, as a long
    migration or a stuck transaction would; released (rolled back) after the test."""
    import psycopg
    from django.db import connection

    if not _is_postgres():
        pytest.skip("needs PostgreSQL")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params["options"] = "-c lock_timeout=5000"  # never wait forever for our own lock
    other = psycopg.connect(**params, autocommit=False)
    try:
        other.execute("LOCK TABLE directory_organisation IN ACCESS EXCLUSIVE MODE")
        yield "directory_organisation"
    finally:
        other.rollback()
        other.close()


def test_settings_give_postgres_sessions_their_timeouts(session_timeouts):
    from django.conf import settings
    from django.db import connection

    session_timeouts(settings.DB_STATEMENT_TIMEOUT_MS, settings.DB_LOCK_TIMEOUT_MS)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
    assert (statement, lock) == ("5s", "2s")


@pytest.mark.parametrize(("statement_ms", "lock_ms"), [(0, 300), (300, 0)])
def test_locked_table_gives_a_quick_503_and_healthz_stays_quick(
    client, session_timeouts, locked_table, statement_ms, lock_ms
):
    session_timeouts(statement_ms, lock_ms)
    started = time.monotonic()
    response = client.get(reverse("directory:list"))
    waited = time.monotonic() - started
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"temporarily unavailable" in response.content
    assert waited < 2
    started = time.monotonic()
    health = client.get("/healthz")
    assert (health.status_code, health.content) == (200, b"ok\n")
    assert time.monotonic() - started < 2


def test_healthz_is_quick_when_postgres_is_unreachable(client, session_timeouts):
    import socket

    from django.db import connection

    session_timeouts(1000, 1000)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", port
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert time.monotonic() - started < 2
        assert client.get(reverse("zones:list")).status_code == 503
    finally:
        connection.settings_dict["PORT"], connection.settings_dict["HOST"] = saved
        connection.close()
