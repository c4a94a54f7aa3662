import pytest

pytestmark = pytest.mark.django_db


def test_404_page_offers_search_in_english(client):
    response = client.get("/zones/no-such-zone/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'action="/search/"' in html


def test_404_page_in_chinese_keeps_the_language(client):
    response = client.get("/zh-hans/zones/no-such-zone/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'action="/zh-hans/search/"' in html


def test_500_page_is_plain_bilingual_html(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "服务器出错了" in html
    assert 'action="/zh-hans/search/"' in html
