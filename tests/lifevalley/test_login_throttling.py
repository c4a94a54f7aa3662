"""The admin login locks out after repeated wrong passwords, keyed behind the proxy."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def admin_user(django_user_model, settings):
    # A fast hasher: these tests make dozens of login attempts; the lock-out logic is the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_superuser("curator", "curator@example.com", PASSWORD)


def log_in(client, password, **meta):
    return client.post(LOGIN, {"username": "curator", "password": password}, **meta)


def fail(client, times, **meta):
    for _ in range(times):
        response = log_in(client, "wrong-password", **meta)
        assert response.status_code in {200, 429}


def test_login_locks_out_after_wrong_passwords_even_with_the_right_one(client, admin_user):
    fail(client, 25, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "Try again in 15 minutes." in html
    assert "_auth_user_id" not in client.session


def test_login_lockout_message_in_both_languages(client, admin_user):
    fail(client, 10, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert '<section lang="en">\n    <h1>Too many failed logins</h1>' in html
    assert '<section lang="zh-hans">\n    <h1>登录失败次数过多</h1>' in html
    assert "请在 15 分钟后重试。" in html


def test_login_allows_nine_failures_then_the_right_password(client, admin_user):
    fail(client, 9, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_login_lockout_leaves_other_addresses_alone(client, admin_user):
    fail(client, 25, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_login_lockout_ends_when_an_administrator_resets_the_username(client, admin_user):
    fail(client, 25, REMOTE_ADDR="203.0.113.7")
    assert log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
    call_command("axes_reset_username", "curator", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_login_lockout_ends_when_an_administrator_resets_the_address(client, admin_user):
    fail(client, 25, REMOTE_ADDR="203.0.113.7")
    call_command("axes_reset_ip", "203.0.113.7", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_login_lockout_behind_the_proxy_keys_on_the_forwarded_client(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # The attacker forges the left part of the header; nginx appends the real address.
    for forged in range(25):
        response = log_in(
            client,
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"10.9.8.{forged}, 203.0.113.7",
            **proxy,
        )
    assert response.status_code == 429
    locked = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **proxy)
    assert locked.status_code == 429
    # Another visitor coming through the same proxy is not locked out.
    other = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert other.status_code == 302


def test_login_lockout_without_proxy_ignores_forwarded_header(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(12):
        log_in(client, "wrong-password", REMOTE_ADDR="203.0.113.7",
               HTTP_X_FORWARDED_FOR=f"10.9.8.{n}")
    response = log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.7",
                      HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 429
