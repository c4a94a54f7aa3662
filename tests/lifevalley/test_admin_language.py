"""The admin in the staff member's language: its URLs have no prefix, so it follows the
language cookie the header's switch sets (or the browser's languages); the public site keeps
its language from the path."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
SET_LANGUAGE = reverse("set_language")


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def choose(client, language, next_url=INDEX):
    """What the header's language switch sends."""
    return client.post(SET_LANGUAGE, {"language": language, "next": next_url})


def test_without_a_choice_the_admin_is_in_english(admin_client, make_event):
    index = admin_client.get(INDEX)
    assert html_lang(index) == "en"
    assert "Needs attention" in index.content.decode()
    form = admin_client.get(reverse("admin:events_event_change", args=[make_event().pk]))
    html = form.content.decode()
    assert ">Starts:</label>" in html and ">All day</label>" in html


def test_the_cookie_puts_the_admin_in_chinese(admin_client, make_event):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    index = admin_client.get(INDEX)
    assert (html_lang(index), index["Content-Language"]) == ("zh-hans", "zh-hans")
    html = index.content.decode()
    assert "待处理事项" in html and "Needs attention" not in html  # the project's dashboard
    assert "<title>站点管理 |" in html  # and Django's own strings
    assert "登录尝试" in html and "Access attempts" not in html  # django-axes has no Chinese

    event = make_event()
    html = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content \
        .decode()
    assert ">开始时间:</label>" in html and ">全天</label>" in html
    assert 'value="保存"' in html
    # The all-day check speaks Chinese too.
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client.post(url, change_form_payload(admin_client, url, starts_at_1=""))
    assert "输入时间，或勾选“全天”。" in response.content.decode()


def test_the_browser_language_is_followed_when_there_is_no_cookie(admin_client):
    index = admin_client.get(INDEX, headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert html_lang(index) == "zh-hans"


def test_the_header_switch_changes_the_language_and_stays_on_the_page(admin_client,
                                                                      make_event):
    event_url = reverse("admin:events_event_change", args=[make_event().pk])
    html = admin_client.get(event_url).content.decode()
    switch = re.search(r'<form class="lv-language-switch" action="([^"]+)" method="post">'
                       r'(.*?)</form>', html, re.S)
    assert switch.group(1) == SET_LANGUAGE
    assert f'name="next" value="{event_url}"' in switch.group(2)
    assert '<span class="lv-current-language" lang="en" aria-current="true">English</span>' \
        in switch.group(2)
    assert 'name="language" value="zh-hans" lang="zh-hans">简体中文</button>' in switch.group(2)

    response = choose(admin_client, "zh-hans", event_url)
    assert (response.status_code, response["Location"]) == (302, event_url)
    assert html_lang(admin_client.get(event_url)) == "zh-hans"
    choose(admin_client, "en", event_url)
    assert html_lang(admin_client.get(event_url)) == "en"


def test_the_login_page_has_the_switch_too(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    login = client.get(reverse("admin:login"))
    html = login.content.decode()
    assert html_lang(login) == "zh-hans"
    assert 'class="lv-language-switch"' in html and "用户名" in html


def test_the_public_site_keeps_its_language_from_the_path(client, make_zone):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert html_lang(client.get("/")) == "en"
    assert html_lang(client.get("/zh-hans/")) == "zh-hans"
    assert html_lang(client.get("/zones/", headers={"accept-language": "zh-CN"})) == "en"


@pytest.mark.parametrize("cookie", ["fr", "x" * 300, "de-AT"])
def test_a_language_the_site_does_not_have_leaves_the_admin_in_english(admin_client, cookie):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    index = admin_client.get(INDEX)
    assert (index.status_code, html_lang(index)) == (200, "en")
    assert choose(admin_client, "tlh").status_code == 302  # Django's view ignores it
    assert html_lang(admin_client.get(INDEX)) == "en"
