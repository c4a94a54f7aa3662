import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {**inherited, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a" * 20 + "production-secret-key-with-enough-entropy-1234567890",
        DJANGO_ALLOWED_HOSTS="lifevalley.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**environment, "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def redis_is_up():
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_redis_url_switches_to_the_shared_redis_cache():
    if not redis_is_up():
        if os.environ.get("CI"):
            raise AssertionError("CI needs Redis at 127.0.0.1:6379 (.ci/run starts it)")
        import pytest

        pytest.skip("no Redis server at 127.0.0.1:6379")
    script = (
        "from django.conf import settings; from django.core.cache import cache; "
        "cache.set('lifevalley-settings-test', 'shared', 30); "
        "print(settings.CACHES['default']['BACKEND']); print(cache.get('lifevalley-settings-test'))"
    )
    result = run_manage("shell", "-c", script, REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.returncode == 0, result.stderr
    # Django's built-in RedisCache, with Redis errors turned into misses (lifevalley/cache.py).
    assert result.stdout.split()[-2:] == ["lifevalley.cache.FailSoftRedisCache", "shared"]


def test_postgres_sessions_get_statement_and_lock_timeouts_from_the_environment():
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = run_manage(
        "shell", "-c", script, DATABASE_URL="postgres://u@127.0.0.1:1/x",
        DJANGO_DB_STATEMENT_TIMEOUT_MS="1234", DJANGO_DB_LOCK_TIMEOUT_MS="567",
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c statement_timeout=1234 -c lock_timeout=567'" in result.stdout
    assert "'connect_timeout': 3" in result.stdout
